//! The notification service's copy of the users, in its own table `users`
//! (`schemas/notification-dao.json`), kept from the user service's `user_event` stream instead of
//! asking the user API each time: what a Flow service does. Each event is applied in the
//! transaction the consumer records its id in, so a redelivery changes nothing.

use apigen_runtime::dao::{DaoError, Transaction};

use crate::generated::notification_dao::dao::{UserForm, UsersDao};
use crate::generated::user::events::UserEventHandler;
use crate::generated::user::models::{UserDeleted, UserUpserted};

/// Who the copy's rows are written by (`updated_by`).
const WRITER: &str = "user_event";

/// Applies `user_event` to the copy: an upsert writes the user (nothing when it holds that data
/// already), a delete removes it.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserCopy;

impl UserEventHandler for UserCopy {
    type Error = DaoError;

    async fn user_upserted(&self, tx: &Transaction<'_>, event: UserUpserted) -> Result<(), DaoError> {
        let u = event.user;
        let form = UserForm { id: u.id, email: u.email, name: u.name, status: u.status.to_string() };
        UsersDao::upsert_by_id(tx, WRITER, &form).await?;
        Ok(())
    }

    async fn user_deleted(&self, tx: &Transaction<'_>, event: UserDeleted) -> Result<(), DaoError> {
        UsersDao::delete_by_id(tx, &event.id).await?;
        Ok(())
    }
}
