//! Metadata persistence for glint on SQLite and PostgreSQL through one code path (sqlx `Any`).
//!
//! Portability rules learnt the hard way (see `shared/design/dependencies.md`):
//! - flags are `SMALLINT` 0/1 (the `Any` driver cannot decode SQLite `BOOLEAN`);
//! - ids and timestamps are `TEXT` (no uuid/date-time decoding in `Any`);
//! - placeholders are always `$N` (`QueryBuilder<Any>` emits `?`, which PostgreSQL rejects), so
//!   dynamic SQL goes through [`sql::SqlBuilder`];
//! - tests use a SQLite file, never `sqlite::memory:` (one database per pooled connection).

mod error;
mod images;
mod list;
#[cfg(test)]
mod list_tests;
mod locations;
mod members;
mod pool;
pub use images::UploadedData;
mod rows;
mod sql;
mod uploads;
mod usage;
mod write_gate;

pub use error::DbError;
#[doc(hidden)]
pub use list::list_sql_shape;
pub use locations::StoredLocation;
pub use members::MembershipTx;
pub use pool::{Db, DbOptions};
pub use uploads::{AbandonedUpload, UploadLease};
