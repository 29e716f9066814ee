//! Errors of the persistence layer.

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A row with the same primary key exists (e.g. a client-chosen image id reused).
    #[error("duplicate key")]
    Duplicate,
    /// The database could not be reached or failed; the message is for logs only.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A stored value could not be decoded: a bug or a hand-edited database.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// A value the database cannot hold or compare: PostgreSQL refuses NUL characters in text
    /// (SQLSTATE 22021, 22P05). The request's fault, answered 400 rather than 500.
    #[error("value the database cannot represent: {0}")]
    Unrepresentable(String),
    #[error("database error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => DbError::Duplicate,
            sqlx::Error::Database(db) if db.code().is_some_and(|c| is_outage_code(&c)) => {
                DbError::Unavailable(err.to_string())
            }
            sqlx::Error::Database(db)
                if db
                    .code()
                    .is_some_and(|c| matches!(c.as_ref(), "22021" | "22P05")) =>
            {
                DbError::Unrepresentable(db.message().to_owned())
            }
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Tls(_) => DbError::Unavailable(err.to_string()),
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                DbError::Corrupt(err.to_string())
            }
            _ => DbError::Other(err.to_string()),
        }
    }
}

/// PostgreSQL SQLSTATEs that mean "the server is going away or cannot serve now", not "this
/// statement is wrong": class 08 (connection exception), 57P01–57P03 (shut down by an operator,
/// crash, not yet accepting connections) and 53300 (too many connections). A request that meets
/// one is answered 503 and may be retried.
fn is_outage_code(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
}

impl From<sqlx::migrate::MigrateError> for DbError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        DbError::Other(format!("migration failed: {err}"))
    }
}
