//! Path, query and header values: parsed by servers ([`FromParam`]) and formatted by clients
//! ([`ToParam`]) the same way, for every primitive type; generated code adds its enums.

/// Parses one path, query or header value.
pub trait FromParam: Sized {
    fn from_param(value: &str) -> Result<Self, String>;
}

/// Formats one path, query or header value as [`FromParam`] parses it.
pub trait ToParam {
    fn to_param(&self) -> String;
}

macro_rules! parsed {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl FromParam for $t {
            fn from_param(value: &str) -> Result<Self, String> {
                value.parse().map_err(|_| format!(concat!("`{}` is not ", $what), value))
            }
        }

        impl ToParam for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

parsed! {
    bool => "true or false",
    i32 => "an integer",
    i64 => "a long",
    f64 => "a number",
    rust_decimal::Decimal => "a decimal",
    uuid::Uuid => "a uuid",
    chrono::NaiveDate => "a date (YYYY-MM-DD)",
}

impl FromParam for String {
    fn from_param(value: &str) -> Result<Self, String> {
        Ok(value.to_string())
    }
}

impl ToParam for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl FromParam for chrono::DateTime<chrono::FixedOffset> {
    fn from_param(value: &str) -> Result<Self, String> {
        chrono::DateTime::parse_from_rfc3339(value).map_err(|_| format!("`{value}` is not an ISO 8601 date-time"))
    }
}

impl ToParam for chrono::DateTime<chrono::FixedOffset> {
    fn to_param(&self) -> String {
        self.to_rfc3339()
    }
}

/// Types of services known only from an import summary travel as raw JSON.
impl FromParam for serde_json::Value {
    fn from_param(value: &str) -> Result<Self, String> {
        Ok(serde_json::Value::String(value.to_string()))
    }
}

impl ToParam for serde_json::Value {
    fn to_param(&self) -> String {
        match self {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// The values of `name` among `pairs` (a query string or header map), in order.
pub fn values<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
}

/// At most one value of `name`, parsed; the last one wins. A bad value is added to `errors`.
pub fn one<T: FromParam>(pairs: &[(String, String)], name: &str, errors: &mut Vec<String>) -> Option<T> {
    let found = values(pairs, name);
    let last = found.last()?;
    match T::from_param(last) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(format!("{name}: {e}"));
            None
        }
    }
}

/// Every value of `name`, parsed (`?id=a&id=b`).
pub fn many<T: FromParam>(pairs: &[(String, String)], name: &str, errors: &mut Vec<String>) -> Vec<T> {
    values(pairs, name)
        .into_iter()
        .filter_map(|v| match T::from_param(v) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(format!("{name}: {e}"));
                None
            }
        })
        .collect()
}

/// A parameter that must be present: its absence is added to `errors` (once per name).
pub fn required<T>(value: Option<T>, name: &str, errors: &mut Vec<String>) -> Option<T> {
    if value.is_none() && !errors.iter().any(|e| e.starts_with(&format!("{name}:"))) {
        errors.push(format!("{name}: is required"));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_errors_name_the_parameter() {
        let at = chrono::DateTime::parse_from_rfc3339("2024-05-01T10:00:00+02:00").unwrap();
        assert_eq!(chrono::DateTime::from_param(&at.to_param()), Ok(at));
        assert_eq!(i64::from_param(&42i64.to_param()), Ok(42));
        let pairs = vec![("id".to_string(), "a".to_string()), ("n".to_string(), "x".to_string())];
        let mut errors = Vec::new();
        assert_eq!(one::<i64>(&pairs, "n", &mut errors), None);
        assert_eq!(errors, ["n: `x` is not a long"]);
        assert_eq!(required::<i64>(None, "n", &mut errors), None);
        assert_eq!(errors.len(), 1, "one error per parameter");
        assert_eq!(required::<i64>(None, "limit", &mut errors), None);
        assert_eq!(errors[1], "limit: is required");
        assert_eq!(many::<String>(&pairs, "id", &mut errors), ["a"]);
    }
}
