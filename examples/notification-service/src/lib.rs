//! The example notification service. `src/generated/` is written by
//! `apigen update --app notification`: its own server and client, the user service's client and
//! events, and the DAO of its tables. [`users::UserCopy`] keeps its copy of the users from the
//! user service's `user_event` stream; [`notifications::PgNotifications`] serves its API from
//! PostgreSQL. `src/main.rs` runs both.

#[rustfmt::skip]
pub mod generated;
pub mod notifications;
pub mod users;
