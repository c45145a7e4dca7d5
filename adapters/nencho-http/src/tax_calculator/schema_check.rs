//! Finds the first field of a JSON request that does not fit the request's OpenAPI schema, and
//! names it by its path (`relatives[2].birth_date`).
//!
//! Why: poem-openapi's own parse errors name the *type* that failed ("Expected input type
//! \"integer(int64)\" … (occurred while parsing \"Spouse\")"), not the field, and the contract
//! promises a message naming the field. Walking the registered schema — the same one the OpenAPI
//! document publishes — keeps one source of truth for the field list; the actual conversion is
//! still poem-openapi's `ParseFromJSON`, run after this check passes.
//!
//! The check is at least as strict as `ParseFromJSON` for the shapes the request uses (objects
//! that deny unknown fields, int64, boolean, date strings, string enums, arrays, optional
//! values): a property test in `tests/it` keeps the two in agreement.

use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::ParseFromJSON;
use serde_json::Value;

/// One field that does not fit, with a message for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldProblem {
    /// The field's path; `body` for the request as a whole.
    pub field: String,
    pub message: String,
}

/// The first problem of `value` against `schema`, or `None` when it fits.
pub(crate) fn first_problem(
    registry: &Registry,
    schema: &MetaSchemaRef,
    value: &Value,
) -> Option<FieldProblem> {
    check(registry, schema, value, "").err()
}

fn check(
    registry: &Registry,
    schema: &MetaSchemaRef,
    value: &Value,
    path: &str,
) -> Result<(), FieldProblem> {
    let schema = match schema {
        MetaSchemaRef::Inline(schema) => schema.as_ref(),
        MetaSchemaRef::Reference(name) => match registry.schemas.get(name) {
            Some(schema) => schema,
            // Unknown to the registry: leave it to ParseFromJSON.
            None => return Ok(()),
        },
    };
    for part in &schema.all_of {
        check(registry, part, value, path)?;
    }
    match schema.ty {
        "object" => check_object(registry, schema, value, path),
        "array" => {
            let Value::Array(items) = value else {
                return Err(expected(path, "an array (a JSON list […])", value, "配列"));
            };
            if let Some(item_schema) = &schema.items {
                for (index, item) in items.iter().enumerate() {
                    check(registry, item_schema, item, &format!("{path}[{index}]"))?;
                }
            }
            Ok(())
        }
        "integer" => match value {
            Value::Number(number) if number.as_i64().is_some() => Ok(()),
            Value::Number(number) if number.is_u64() => Err(FieldProblem {
                field: field_name(path),
                message: format!(
                    "{}: {number} is too large for an amount (金額が大きすぎます)",
                    field_name(path)
                ),
            }),
            _ => Err(expected(
                path,
                "a whole number of yen such as 5000000",
                value,
                "金額は円単位の整数で指定してください",
            )),
        },
        "boolean" => match value {
            Value::Bool(_) => Ok(()),
            _ => Err(expected(path, "true or false", value, "true か false")),
        },
        "string" => check_string(schema, value, path),
        // Any other shape is not used by the request; ParseFromJSON judges it.
        _ => Ok(()),
    }
}

fn check_object(
    registry: &Registry,
    schema: &MetaSchema,
    value: &Value,
    path: &str,
) -> Result<(), FieldProblem> {
    let Value::Object(members) = value else {
        if path.is_empty() {
            return Err(FieldProblem {
                field: "body".into(),
                message: format!(
                    "the request body must be a JSON object {{…}}, found {} \
                     (リクエスト本文は JSON のオブジェクトにしてください)",
                    describe(value)
                ),
            });
        }
        return Err(expected(path, "an object {…}", value, "オブジェクト"));
    };
    // Every object of the request denies unknown fields.
    for name in members.keys() {
        if !schema.properties.iter().any(|(known, _)| known == name) {
            let field = join(path, name);
            let known: Vec<&str> = schema.properties.iter().map(|(known, _)| *known).collect();
            return Err(FieldProblem {
                message: format!(
                    "{field}: unknown field (この項目はありません); the fields here are: {}",
                    known.join(", ")
                ),
                field,
            });
        }
    }
    for (name, property) in &schema.properties {
        let field = join(path, name);
        match members.get(*name) {
            None | Some(Value::Null) => {
                if schema.required.contains(name) {
                    return Err(FieldProblem {
                        message: format!("{field}: required (必須項目です)"),
                        field,
                    });
                }
            }
            Some(member) => check(registry, property, member, &field)?,
        }
    }
    Ok(())
}

fn check_string(schema: &MetaSchema, value: &Value, path: &str) -> Result<(), FieldProblem> {
    if !schema.enum_items.is_empty() {
        if schema.enum_items.contains(value) {
            return Ok(());
        }
        let choices: Vec<String> = schema.enum_items.iter().map(Value::to_string).collect();
        return Err(expected(
            path,
            &format!("one of {}", choices.join(", ")),
            value,
            "選択肢から指定してください",
        ));
    }
    let Value::String(_) = value else {
        return Err(expected(path, "a string", value, "文字列"));
    };
    if schema.format == Some("date")
        && nencho_kernel::Date::parse_from_json(Some(value.clone())).is_err()
    {
        return Err(expected(
            path,
            "a calendar date written YYYY-MM-DD such as 2005-06-01",
            value,
            "日付は実在する日を YYYY-MM-DD で指定してください",
        ));
    }
    Ok(())
}

fn expected(path: &str, what: &str, found: &Value, japanese: &str) -> FieldProblem {
    let field = field_name(path);
    FieldProblem {
        message: format!(
            "{field}: expected {what}, found {} ({japanese})",
            describe(found)
        ),
        field,
    }
}

fn field_name(path: &str) -> String {
    if path.is_empty() {
        "body".into()
    } else {
        path.into()
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.into()
    } else {
        format!("{path}.{name}")
    }
}

/// The offending value as a person would recognise it, shortened so that a huge value does not
/// flood the message.
fn describe(value: &Value) -> String {
    const LONGEST: usize = 40;
    match value {
        Value::Null => "null".into(),
        Value::Object(_) => "an object".into(),
        Value::Array(_) => "an array".into(),
        Value::String(text) if text.chars().count() > LONGEST => {
            let start: String = text.chars().take(LONGEST).collect();
            format!("{}…", Value::String(start))
        }
        other => other.to_string(),
    }
}
