use super::*;
use crate::pool::DbOptions;

fn at(raw: &str) -> Timestamp {
    Timestamp::parse_stored(raw).expect("timestamp")
}

async fn db_with_image(dir: &tempfile::TempDir) -> (Db, Image) {
    let url = format!("sqlite://{}", dir.path().join("glint.db").display());
    let db = Db::connect(&url, &DbOptions::default())
        .await
        .expect("connect");
    db.migrate().await.expect("migrate");
    let image = Image::new(
        ImageId::generate(),
        Some("owner".into()),
        at("2026-01-01T00:00:00.000000Z"),
    );
    db.insert_image(&image).await.expect("image");
    let stored = db.get_image(&image.id).await.expect("get").expect("exists");
    (db, stored)
}

/// The compare-and-set of an optimistic metadata write: two writers that read the same record
/// cannot both succeed, even when they write in the same microsecond (the second would
/// overwrite the first's change: a lost update).
#[tokio::test]
async fn a_write_based_on_a_stale_read_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, read) = db_with_image(&dir).await;
    let expected = Some((read.status, read.updated_at));
    let mut first = read.clone();
    first.name = Some("first".into());
    first.updated_at = read.updated_at.plus_micros(1);
    let mut second = read.clone();
    second.properties.insert("p".into(), "v".into());
    second.updated_at = read.updated_at.plus_micros(1);
    assert!(db.update_image(&first, expected).await.expect("first"));
    assert!(!db.update_image(&second, expected).await.expect("second"));
    let stored = db.get_image(&read.id).await.expect("get").expect("exists");
    assert_eq!(stored.name.as_deref(), Some("first"));
    assert!(stored.properties.is_empty(), "{:?}", stored.properties);
    // Re-read, the second writer succeeds on top of the first.
    let expected = Some((stored.status, stored.updated_at));
    let mut second = stored.clone();
    second.properties.insert("p".into(), "v".into());
    second.updated_at = stored.updated_at.plus_micros(1);
    assert!(db.update_image(&second, expected).await.expect("retry"));
    let stored = db.get_image(&read.id).await.expect("get").expect("exists");
    assert_eq!(stored.name.as_deref(), Some("first"));
    assert_eq!(stored.properties.get("p").map(String::as_str), Some("v"));
}
