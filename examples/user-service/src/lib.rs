//! The example user service. `src/generated/` is written by `apigen update --app user` from the
//! specs in `schemas/` and committed; a test checks it is never stale. What is written by hand is
//! two implementations of the generated `Users` trait: in memory (this file) and on PostgreSQL
//! through the generated DAO ([`postgres`]). Both keep the same rules: emails are unique and
//! stored in lower case, and text is neither empty nor padded with whitespace.

#[rustfmt::skip]
pub mod generated;
pub mod postgres;

use std::collections::BTreeMap;
use std::sync::Mutex;

use generated::user::api::{
    Users, UsersDeleteByIdRequest, UsersDeleteByIdResponse, UsersGetByIdRequest, UsersGetByIdResponse, UsersGetRequest,
    UsersGetResponse, UsersPostRequest, UsersPostResponse, UsersPutByIdRequest, UsersPutByIdResponse,
};
use generated::user::models::{User, UserForm, UserStatus};

/// Users kept in memory, in creation order.
#[derive(Debug, Default)]
pub struct InMemoryUsers {
    users: Mutex<BTreeMap<String, User>>,
    next_id: Mutex<u64>,
}

/// The in-memory store cannot fail; a poisoned lock is its only error.
#[derive(Debug, thiserror::Error)]
#[error("the user store is unavailable: a thread panicked while holding its lock")]
pub struct StoreError;

impl InMemoryUsers {
    fn new_user(&self, id: String, form: UserForm, created_at: chrono::DateTime<chrono::FixedOffset>) -> User {
        User {
            id,
            email: normalize_email(&form.email),
            name: form.name,
            phone: form.phone,
            status: form.status.unwrap_or(UserStatus::Active),
            created_at,
            updated_at: now(),
        }
    }

    fn next_id(&self) -> Result<String, StoreError> {
        let mut next = self.next_id.lock().map_err(|_| StoreError)?;
        *next += 1;
        Ok(format!("usr-{:04}", *next))
    }
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

fn email_taken(users: &BTreeMap<String, User>, email: &str, except: Option<&str>) -> bool {
    users.values().any(|u| u.email == email && Some(u.id.as_str()) != except)
}

/// Emails are compared and stored in lower case.
pub(crate) fn normalize_email(email: &str) -> String {
    email.to_lowercase()
}

pub(crate) fn conflict(message: &str) -> Vec<generated::common::models::Error> {
    vec![generated::common::models::Error { code: "email_taken".to_string(), message: message.to_string() }]
}

pub(crate) fn invalid(message: &str) -> Vec<generated::common::models::Error> {
    vec![generated::common::models::Error { code: "invalid_text".to_string(), message: message.to_string() }]
}

/// The rule the PostgreSQL table enforces, kept in memory too: text is neither empty nor padded.
fn check_form(form: &UserForm) -> Result<(), Vec<generated::common::models::Error>> {
    let status = form.status.as_ref().map(ToString::to_string);
    let texts = [
        ("email", Some(&form.email)),
        ("name", Some(&form.name)),
        ("phone", form.phone.as_ref()),
        ("status", status.as_ref()),
    ];
    for (column, value) in texts {
        if let Some(value) = value {
            apigen_runtime::dao::check_text(column, value).map_err(|e| invalid(&e.to_string()))?;
        }
    }
    Ok(())
}

impl Users for InMemoryUsers {
    type Error = StoreError;

    async fn get(&self, request: UsersGetRequest) -> Result<UsersGetResponse, StoreError> {
        let users = self.users.lock().map_err(|_| StoreError)?;
        let matching = users
            .values()
            .filter(|u| request.id.as_ref().is_none_or(|ids| ids.contains(&u.id)))
            .filter(|u| request.email.as_ref().is_none_or(|e| u.email == normalize_email(e)))
            .filter(|u| request.status.as_ref().is_none_or(|s| &u.status == s))
            .skip(usize::try_from(request.offset).unwrap_or(0))
            .take(usize::try_from(request.limit).unwrap_or(0))
            .cloned()
            .collect();
        Ok(UsersGetResponse::Ok(matching))
    }

    async fn post(&self, request: UsersPostRequest) -> Result<UsersPostResponse, StoreError> {
        if let Err(errors) = check_form(&request.body) {
            return Ok(UsersPostResponse::UnprocessableEntity(errors));
        }
        let id = self.next_id()?;
        let mut users = self.users.lock().map_err(|_| StoreError)?;
        if email_taken(&users, &normalize_email(&request.body.email), None) {
            return Ok(UsersPostResponse::UnprocessableEntity(conflict("a user with this email exists")));
        }
        let user = self.new_user(id.clone(), request.body, now());
        users.insert(id, user.clone());
        Ok(UsersPostResponse::Created(user))
    }

    async fn get_by_id(&self, request: UsersGetByIdRequest) -> Result<UsersGetByIdResponse, StoreError> {
        let users = self.users.lock().map_err(|_| StoreError)?;
        Ok(match users.get(&request.id) {
            Some(user) => UsersGetByIdResponse::Ok(user.clone()),
            None => UsersGetByIdResponse::NotFound,
        })
    }

    async fn put_by_id(&self, request: UsersPutByIdRequest) -> Result<UsersPutByIdResponse, StoreError> {
        let mut users = self.users.lock().map_err(|_| StoreError)?;
        let Some(existing) = users.get(&request.id) else { return Ok(UsersPutByIdResponse::NotFound) };
        if let Err(errors) = check_form(&request.body) {
            return Ok(UsersPutByIdResponse::UnprocessableEntity(errors));
        }
        if email_taken(&users, &normalize_email(&request.body.email), Some(&request.id)) {
            return Ok(UsersPutByIdResponse::UnprocessableEntity(conflict("another user has this email")));
        }
        let mut user = self.new_user(request.id.clone(), request.body, existing.created_at);
        // Unchanged data is no write, as on PostgreSQL (`hash_code`): `updated_at` stays.
        if (User { updated_at: existing.updated_at, ..user.clone() }) == *existing {
            user.updated_at = existing.updated_at;
        }
        users.insert(request.id, user.clone());
        Ok(UsersPutByIdResponse::Ok(user))
    }

    async fn delete_by_id(&self, request: UsersDeleteByIdRequest) -> Result<UsersDeleteByIdResponse, StoreError> {
        let mut users = self.users.lock().map_err(|_| StoreError)?;
        Ok(match users.remove(&request.id) {
            Some(_) => UsersDeleteByIdResponse::NoContent,
            None => UsersDeleteByIdResponse::NotFound,
        })
    }
}
