//! The example notification service. `src/generated/` is written by
//! `apigen update --app notification`: its own server and client, the user service's client and
//! events, and the DAO of its tables. [`users::UserCopy`] keeps its copy of the users from the
//! user service's `user_event` stream.

#[rustfmt::skip]
pub mod generated;
pub mod users;
