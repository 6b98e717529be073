//! The committed generated models on the wire: open enums and unions keep what they do not know
//! and send it back unchanged, unions carry their discriminator, defaults fill absent fields,
//! `validate()` enforces the spec's bounds, and dates parse from their ISO 8601 wire form.

use serde_json::{Value, json};
use user_service::generated::common::models::{GenericError, GenericErrorCode};
use user_service::generated::user::models::{
    ExpandableUser, User, UserDeleted, UserEvent, UserForm, UserReference, UserStatus,
};

fn user_json() -> Value {
    json!({
        "id": "usr-1",
        "email": "jane@example.com",
        "name": "Jane Doe",
        "status": "active",
        "created_at": "2024-01-31T12:00:00Z",
        "updated_at": "2024-02-01T08:30:00.123+02:00"
    })
}

/// Deserializes, checks the value, and serializes back to exactly the input.
fn round_trip<T>(wire: Value) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let value: T = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(serde_json::to_value(&value).unwrap(), wire);
    value
}

#[test]
fn known_enum_values_use_their_wire_names() {
    assert_eq!(round_trip::<UserStatus>(json!("pending")), UserStatus::PendingVerification);
    assert_eq!(UserStatus::PendingVerification.as_str(), "pending");
    assert_eq!(UserStatus::from("active"), UserStatus::Active);
    assert_eq!(UserStatus::ALL.len(), 3);
    // The enum value's name is not its wire value.
    assert_eq!(UserStatus::from("pending_verification"), UserStatus::Unknown("pending_verification".into()));
}

#[test]
fn unknown_enum_value_round_trips() {
    let status: UserStatus = round_trip(json!("suspended"));
    assert_eq!(status, UserStatus::Unknown("suspended".to_string()));
    assert_eq!(status.to_string(), "suspended");
    // Inside a model too.
    let mut wire = user_json();
    wire["status"] = json!("suspended");
    let user: User = round_trip(wire);
    assert_eq!(user.status, UserStatus::Unknown("suspended".to_string()));
}

#[test]
fn discriminated_union_serialization_includes_the_discriminator() {
    let reference = ExpandableUser::UserReference(UserReference { id: "usr-1".to_string() });
    assert_eq!(serde_json::to_value(&reference).unwrap(), json!({"discriminator": "user_reference", "id": "usr-1"}));
    let back: ExpandableUser =
        serde_json::from_value(json!({"id": "usr-1", "discriminator": "user_reference"})).unwrap();
    assert_eq!(back, reference);

    let mut wire = user_json();
    wire["discriminator"] = json!("user");
    let user: ExpandableUser = round_trip(wire);
    let ExpandableUser::User(user) = user else { panic!("expected a user: {user:?}") };
    assert_eq!(user.status, UserStatus::Active);
    // The discriminator is not a field of the model.
    assert!(serde_json::to_value(&user).unwrap().get("discriminator").is_none());

    let deleted = UserEvent::UserDeleted(UserDeleted {
        event_id: "evt-1".to_string(),
        timestamp: "2024-01-31T12:00:00Z".parse().unwrap(),
        id: "usr-1".to_string(),
    });
    let wire = json!({"discriminator": "user_deleted", "event_id": "evt-1", "timestamp": "2024-01-31T12:00:00Z", "id": "usr-1"});
    assert_eq!(serde_json::to_value(&deleted).unwrap(), wire);
    assert_eq!(round_trip::<UserEvent>(wire), deleted);
}

#[test]
fn unknown_union_member_round_trips() {
    let wire = json!({"discriminator": "user_suspended", "event_id": "evt-2", "reason": {"code": 7}});
    let event: UserEvent = round_trip(wire.clone());
    assert_eq!(event, UserEvent::Unknown(wire));
    // Without a discriminator (and no default member) the value is kept as well.
    let bare = json!({"id": "usr-1"});
    assert_eq!(round_trip::<ExpandableUser>(bare.clone()), ExpandableUser::Unknown(bare));
}

#[test]
fn known_union_member_with_invalid_fields_is_an_error() {
    let err = serde_json::from_value::<ExpandableUser>(json!({"discriminator": "user_reference"})).unwrap_err();
    assert!(err.to_string().contains("id"), "{err}");
}

#[test]
fn absent_fields_with_defaults_get_the_default() {
    let form: UserForm = serde_json::from_value(json!({"email": "jane@example.com", "name": "Jane"})).unwrap();
    assert_eq!(form.status, Some(UserStatus::Active));
    assert_eq!(form.phone, None);
    // A value that is sent wins over the default.
    let form: UserForm =
        serde_json::from_value(json!({"email": "jane@example.com", "name": "Jane", "status": "inactive"})).unwrap();
    assert_eq!(form.status, Some(UserStatus::Inactive));

    let error: GenericError = serde_json::from_value(json!({"messages": ["bad"]})).unwrap();
    assert_eq!(error.code, GenericErrorCode::GenericError);
    assert_eq!(serde_json::to_value(&error).unwrap(), json!({"code": "generic_error", "messages": ["bad"]}));
}

#[test]
fn absent_optional_fields_are_not_sent() {
    let user: User = round_trip(user_json());
    assert_eq!(user.phone, None);
    let sent = serde_json::to_value(&user).unwrap();
    assert!(sent.get("phone").is_none(), "{sent}");
}

#[test]
fn missing_required_field_is_an_error() {
    let mut wire = user_json();
    wire.as_object_mut().unwrap().remove("email");
    let err = serde_json::from_value::<User>(wire).unwrap_err();
    assert!(err.to_string().contains("missing field `email`"), "{err}");
}

#[test]
fn validate_rejects_values_out_of_range() {
    let form = |email: &str, name: &str| UserForm {
        email: email.to_string(),
        name: name.to_string(),
        phone: None,
        status: None,
    };
    assert_eq!(form("jane@example.com", "Jane").validate(), Ok(()));
    // Bounds are inclusive: 3 and 254 characters for the email, 1 and 200 for the name.
    assert_eq!(form("a@b", "J").validate(), Ok(()));
    assert_eq!(form(&"e".repeat(254), &"n".repeat(200)).validate(), Ok(()));

    let err = form("a@", "Jane").validate().unwrap_err();
    assert_eq!(err.field, "user_form.email");
    assert_eq!(err.to_string(), "user_form.email: length must be >= 3");
    let err = form(&"e".repeat(255), "Jane").validate().unwrap_err();
    assert_eq!(err.to_string(), "user_form.email: length must be <= 254");
    let err = form("jane@example.com", "").validate().unwrap_err();
    assert_eq!(err.to_string(), "user_form.name: length must be >= 1");
    let err = form("jane@example.com", &"n".repeat(201)).validate().unwrap_err();
    assert_eq!(err.to_string(), "user_form.name: length must be <= 200");
    // Length counts characters, not bytes.
    assert_eq!(form("jane@example.com", &"é".repeat(200)).validate(), Ok(()));

    let empty = GenericError { code: GenericErrorCode::GenericError, messages: Vec::new() };
    assert_eq!(empty.validate().unwrap_err().to_string(), "generic_error.messages: size must be >= 1");
}

#[test]
fn date_times_parse_from_iso_8601() {
    let user: User = serde_json::from_value(user_json()).unwrap();
    assert_eq!(user.created_at.to_rfc3339(), "2024-01-31T12:00:00+00:00");
    assert_eq!(user.updated_at.offset().local_minus_utc(), 2 * 3600);
    assert_eq!(user.updated_at.timestamp_subsec_millis(), 123);
    // Sent back in the same form, offset included.
    let sent = serde_json::to_value(&user).unwrap();
    assert_eq!(sent["updated_at"], json!("2024-02-01T08:30:00.123+02:00"));
    assert_eq!(sent["created_at"], json!("2024-01-31T12:00:00Z"));

    let mut wire = user_json();
    wire["created_at"] = json!("31/01/2024");
    assert!(serde_json::from_value::<User>(wire).is_err());
}
