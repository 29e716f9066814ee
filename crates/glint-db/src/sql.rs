//! A tiny SQL builder that numbers `$N` placeholders, portable to SQLite and PostgreSQL.

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Encode, Type};

/// Bound value kinds used by our dynamic queries.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
    Flag(bool),
    /// A nullable text column's value (typed, so PostgreSQL accepts a NULL).
    OptText(Option<String>),
    /// A nullable integer column's value.
    OptInt(Option<i64>),
}

/// Accumulates SQL text and its arguments; `push_bind` appends `$N` with the next number.
#[derive(Debug, Default)]
pub(crate) struct SqlBuilder {
    sql: String,
    binds: Vec<Bind>,
}

impl SqlBuilder {
    pub(crate) fn new(start: &str) -> Self {
        Self {
            sql: start.to_owned(),
            binds: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    pub(crate) fn push_bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.sql.push('$');
        self.sql.push_str(&self.binds.len().to_string());
        self
    }

    /// `$a, $b, …` for a non-empty list of texts.
    pub(crate) fn push_text_list(&mut self, values: &[String]) -> &mut Self {
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(Bind::Text(v.clone()));
        }
        self
    }

    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }

    /// The query, ready to run. The text is ours alone: every request value is a bound argument,
    /// and column names come from allow-lists, hence the `AssertSqlSafe`.
    pub(crate) fn query(
        &self,
    ) -> Result<sqlx::query::Query<'static, Any, AnyArguments>, sqlx::Error> {
        Ok(sqlx::query_with(
            sqlx::AssertSqlSafe(self.sql.clone()),
            self.arguments()?,
        ))
    }

    pub(crate) fn arguments(&self) -> Result<AnyArguments, sqlx::Error> {
        let mut args = AnyArguments::default();
        for bind in &self.binds {
            match bind {
                Bind::Text(v) => add(&mut args, v.clone())?,
                Bind::Int(v) => add(&mut args, *v)?,
                Bind::Flag(v) => add(&mut args, i16::from(*v))?,
                Bind::OptText(v) => add(&mut args, v.clone())?,
                Bind::OptInt(v) => add(&mut args, *v)?,
            }
        }
        Ok(args)
    }
}

fn add<T>(args: &mut AnyArguments, value: T) -> Result<(), sqlx::Error>
where
    T: for<'q> Encode<'q, Any> + Type<Any> + Send + 'static,
{
    args.add(value).map_err(sqlx::Error::Encode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered() {
        let mut b = SqlBuilder::new("SELECT 1 WHERE a = ");
        b.push_bind(Bind::Int(1)).push(" AND b IN (");
        b.push_text_list(&["x".into(), "y".into()]).push(")");
        assert_eq!(b.sql(), "SELECT 1 WHERE a = $1 AND b IN ($2, $3)");
    }
}
