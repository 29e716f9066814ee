use super::*;
use crate::pool::DbOptions;

fn at(raw: &str) -> Timestamp {
    Timestamp::parse_stored(raw).expect("timestamp")
}

async fn db_with_image(dir: &tempfile::TempDir) -> (Db, ImageId) {
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
    (db, image.id)
}

async fn change(db: &Db, image: &ImageId) -> MembershipTx {
    db.begin_membership_change(image)
        .await
        .expect("begin")
        .expect("image exists")
}

/// v2-sharing §10 Q2: a member removed and added again (through either API) shows its first
/// `created_at`, with a fresh `updated_at`, a fresh status and `can_share`.
#[tokio::test]
async fn re_added_member_keeps_its_first_created_at() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, image) = db_with_image(&dir).await;
    let m = MemberId::parse("m").expect("id");
    let first = at("2026-01-02T00:00:00.000000Z");
    let later = at("2026-01-03T00:00:00.000000Z");

    let mut tx = change(&db, &image).await;
    tx.insert(&m, true, MemberStatus::Pending, first)
        .await
        .expect("insert");
    tx.update(&m, None, Some(MemberStatus::Accepted), first)
        .await
        .expect("accept");
    tx.commit().await.expect("commit");

    let mut tx = change(&db, &image).await;
    assert!(tx.delete(&m).await.expect("delete"));
    assert!(!tx.delete(&m).await.expect("delete again"), "nothing left");
    tx.commit().await.expect("commit");
    assert_eq!(db.get_member(&image, "m").await.expect("get"), None);
    assert!(db.list_members(&image).await.expect("list").is_empty());

    let mut tx = change(&db, &image).await;
    tx.insert(&m, false, MemberStatus::Pending, later)
        .await
        .expect("re-add");
    tx.commit().await.expect("commit");
    let row = db.get_member(&image, "m").await.expect("get").expect("row");
    assert_eq!(row.created_at, first);
    assert_eq!(row.updated_at, later);
    assert_eq!(row.status, MemberStatus::Pending);
    assert!(!row.can_share);

    // Removed and re-added again: still the very first time.
    let mut tx = change(&db, &image).await;
    assert!(tx.delete(&m).await.expect("delete"));
    tx.insert(&m, false, MemberStatus::Pending, later)
        .await
        .expect("re-add in one transaction");
    tx.commit().await.expect("commit");
    let row = db.get_member(&image, "m").await.expect("get").expect("row");
    assert_eq!(row.created_at, first);

    // A member never removed starts with its own time.
    let n = MemberId::parse("n").expect("id");
    let mut tx = change(&db, &image).await;
    tx.insert(&n, false, MemberStatus::Pending, later)
        .await
        .expect("insert");
    assert_eq!(
        tx.get("n").await.expect("get").map(|r| r.created_at),
        Some(later)
    );
    tx.commit().await.expect("commit");
}

/// The member quota counts live memberships only: removed members do not count.
#[tokio::test]
async fn count_sees_live_memberships_inside_the_transaction() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, image) = db_with_image(&dir).await;
    let now = at("2026-01-02T00:00:00.000000Z");
    let mut tx = change(&db, &image).await;
    assert_eq!(tx.count().await.expect("count"), 0);
    for name in ["a", "b", "c"] {
        let m = MemberId::parse(name).expect("id");
        tx.insert(&m, false, MemberStatus::Pending, now)
            .await
            .expect("insert");
    }
    assert_eq!(tx.count().await.expect("count"), 3);
    tx.delete(&MemberId::parse("b").expect("id"))
        .await
        .expect("delete");
    assert_eq!(tx.count().await.expect("count"), 2);
    tx.commit().await.expect("commit");
    assert_eq!(db.list_members(&image).await.expect("list").len(), 2);
}
