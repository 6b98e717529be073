//! The example notification service. `src/generated/` is written by
//! `apigen update --app notification`: its own server and client, and the user service's client,
//! which [`NotificationStore::create`] uses to check the recipient exists.

#[rustfmt::skip]
pub mod generated;
