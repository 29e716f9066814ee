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

/// Properties and tags come back from one query: each image gets its own, a tag spelled like a
/// property name stays a tag, and tags come sorted.
#[tokio::test]
async fn properties_and_tags_stay_with_their_image() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, first) = db_with_image(&dir).await;
    let mut first = first;
    first.properties.insert("x".into(), "1".into());
    first.properties.insert("y".into(), "2".into());
    first.tags = vec!["b".into(), "a".into()];
    first.updated_at = first.updated_at.plus_micros(1);
    assert!(db.update_image(&first, None).await.expect("update"));
    let mut second = Image::new(
        ImageId::generate(),
        Some("owner".into()),
        at("2026-01-01T00:00:01.000000Z"),
    );
    second.tags = vec!["x".into()];
    db.insert_image(&second).await.expect("second");

    let got = db.get_image(&first.id).await.expect("get").expect("exists");
    assert_eq!(got.properties, first.properties);
    assert_eq!(got.tags, vec!["a".to_owned(), "b".to_owned()]);
    let got = db
        .get_image(&second.id)
        .await
        .expect("get")
        .expect("exists");
    assert!(got.properties.is_empty(), "{:?}", got.properties);
    assert_eq!(got.tags, vec!["x".to_owned()]);

    let both = db
        .attributes_of(&[first.id.clone(), second.id.clone()])
        .await
        .expect("attributes");
    assert_eq!(both[&first.id].properties.len(), 2);
    assert_eq!(both[&second.id].tags, vec!["x".to_owned()]);
}
