//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds the directory's files
//! at compile time but cannot ask Cargo to watch the directory itself.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
