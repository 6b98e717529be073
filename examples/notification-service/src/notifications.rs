//! The notification API on PostgreSQL: the generated `Notifications` trait over the generated DAO
//! of `schemas/notification-dao.json` (table `public.notifications`, journal
//! `journal.notifications`). A notification is queued for a user the service knows from its own
//! copy ([`crate::users`]); what the copy does not hold (a user created a moment ago whose event
//! has not arrived, a phone number, the full user for `expand=user`) comes from the user service
//! through its generated client.

use std::collections::HashMap;

use apigen_runtime::dao::DaoError;

use crate::generated::common::models::{GenericError, GenericErrorCode};
use crate::generated::notification::api::{
    Healthchecks, HealthchecksGetHealthcheckRequest, HealthchecksGetHealthcheckResponse, Notifications,
    NotificationsDeleteByIdRequest, NotificationsDeleteByIdResponse, NotificationsGetByIdRequest,
    NotificationsGetByIdResponse, NotificationsGetRequest, NotificationsGetResponse, NotificationsPostRequest,
    NotificationsPostResponse,
};
use crate::generated::notification::models::{Channel, Notification, NotificationStatus};
use crate::generated::notification_dao::dao::{
    NotificationForm as Record, NotificationRow, NotificationsDao, UsersDao,
};
use crate::generated::user::api::{Users as _, UsersGetByIdRequest, UsersGetByIdResponse};
use crate::generated::user::client::{Client as UserClient, ClientError};
use crate::generated::user::models::{ExpandableUser, User, UserReference};

/// Who the API writes rows as (`updated_by`), until requests carry a caller.
const WRITER: &str = "notification-service";

/// The notifications in PostgreSQL, over one connection (tokio-postgres pipelines concurrent
/// queries on it), and the user service for what the copy of the users lacks.
#[derive(Debug)]
pub struct PgNotifications {
    client: tokio_postgres::Client,
    users: UserClient,
}

/// A failure the API has no answer for (500): the database, the user service, or a `sort` it
/// does not know (the spec declares no error response for listing).
#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("the notification store failed: {0}")]
    Store(#[from] DaoError),
    #[error("the user service failed: {0}")]
    UserService(#[from] ClientError),
    #[error("cannot sort by `{0}`: the sorts are created_at, -created_at, id and -id")]
    Sort(String),
}

impl PgNotifications {
    /// The store over a connection to a migrated database, asking `users` what the copy lacks.
    pub fn new(client: tokio_postgres::Client, users: UserClient) -> Self {
        PgNotifications { client, users }
    }

    /// The user from the user service, when it exists there.
    async fn remote_user(&self, id: &str) -> Result<Option<User>, NotificationError> {
        Ok(match self.users.get_by_id(UsersGetByIdRequest { id: id.to_string() }).await? {
            UsersGetByIdResponse::Ok(u) => Some(u),
            UsersGetByIdResponse::NotFound => None,
        })
    }

    /// The email address of a user the service knows: from its copy, else (an event not yet
    /// arrived) from the user service.
    async fn email_of(&self, user_id: &str) -> Result<Option<String>, NotificationError> {
        if let Some(copy) = UsersDao::find_by_id(&self.client, user_id).await? {
            return Ok(Some(copy.email));
        }
        Ok(self.remote_user(user_id).await?.map(|u| u.email))
    }

    /// Where a notification for `user_id` over `channel` goes, or why it cannot be sent.
    async fn destination(&self, user_id: &str, channel: &Channel) -> Result<Result<String, String>, NotificationError> {
        let unknown = format!("no user has the id {user_id}");
        Ok(match channel {
            Channel::Email => self.email_of(user_id).await?.ok_or(unknown),
            Channel::InApp => self.email_of(user_id).await?.map(|_| user_id.to_string()).ok_or(unknown),
            // The copy keeps no phone numbers: they are asked for when a text is to be sent.
            Channel::Sms => match self.remote_user(user_id).await? {
                Some(User { phone: Some(phone), .. }) => Ok(phone),
                Some(_) => Err(format!("the user {user_id} has no phone number for sms")),
                None => Err(unknown),
            },
            Channel::Push => Err("push needs a device token, and the user API registers no devices".to_string()),
            Channel::Unknown(other) => Err(format!("the channel `{other}` is not one this service sends over")),
        })
    }

    /// The API's notifications from rows: users as references, or in full from the user service
    /// when `expand` names `user`.
    async fn notifications(
        &self,
        rows: Vec<NotificationRow>,
        expand: Option<&[String]>,
    ) -> Result<Vec<Notification>, NotificationError> {
        let expand = expand.is_some_and(|e| e.iter().any(|x| x == "user"));
        let mut full: HashMap<String, User> = HashMap::new();
        if expand {
            for row in &rows {
                if !full.contains_key(&row.user_id)
                    && let Some(u) = self.remote_user(&row.user_id).await?
                {
                    full.insert(row.user_id.clone(), u);
                }
            }
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let user = match full.get(&row.user_id) {
                    Some(u) => ExpandableUser::User(u.clone()),
                    // A user deleted since stays a reference.
                    None => ExpandableUser::UserReference(UserReference { id: row.user_id.clone() }),
                };
                notification(row, user)
            })
            .collect())
    }
}

fn notification(row: NotificationRow, user: ExpandableUser) -> Notification {
    Notification {
        id: row.id,
        user,
        channel: Channel::from(row.channel.as_str()),
        destination: row.destination,
        subject: row.subject,
        body: row.body,
        status: NotificationStatus::from(row.status.as_str()),
        created_at: row.created_at,
        sent_at: row.sent_at,
    }
}

fn invalid(message: String) -> GenericError {
    GenericError { code: GenericErrorCode::GenericError, messages: vec![message] }
}

/// A new id: time-ordered (UUID v7), so ids sort in creation order.
fn new_id() -> String {
    format!("ntf-{}", uuid::Uuid::now_v7().simple())
}

impl Notifications for PgNotifications {
    type Error = NotificationError;

    async fn get(&self, request: NotificationsGetRequest) -> Result<NotificationsGetResponse, NotificationError> {
        let db = &self.client;
        let newest_first = match request.sort.as_str() {
            "-created_at" | "-id" => true,
            "created_at" | "id" => false,
            other => return Err(NotificationError::Sort(other.to_string())),
        };
        // The most selective index first; the other filters apply to what it finds.
        let mut rows = if let Some(ids) = &request.id {
            let mut rows = Vec::new();
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            for id in &ids {
                rows.extend(NotificationsDao::find_by_id(db, id).await?);
            }
            rows
        } else if let Some(user_id) = &request.user_id {
            NotificationsDao::find_all_by_user_id(db, user_id).await?
        } else {
            let mut rows = Vec::new();
            NotificationsDao::for_each_page(db, 500, |page| rows.extend(page)).await?;
            rows
        };
        let channels: Option<Vec<String>> =
            request.channel.as_ref().map(|c| c.iter().map(ToString::to_string).collect());
        rows.retain(|r| {
            request.user_id.as_ref().is_none_or(|u| &r.user_id == u)
                && channels.as_ref().is_none_or(|c| c.contains(&r.channel))
        });
        // Ids are time-ordered, so id order is creation order, ties included.
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        if newest_first {
            rows.reverse();
        }
        let (offset, limit) =
            (usize::try_from(request.offset).unwrap_or(0), usize::try_from(request.limit).unwrap_or(0));
        let rows: Vec<_> = rows.into_iter().skip(offset).take(limit).collect();
        Ok(NotificationsGetResponse::Ok(self.notifications(rows, request.expand.as_deref()).await?))
    }

    async fn post(&self, request: NotificationsPostRequest) -> Result<NotificationsPostResponse, NotificationError> {
        let form = request.body;
        let destination = match self.destination(&form.user_id, &form.channel).await? {
            Ok(d) => d,
            Err(why) => return Ok(NotificationsPostResponse::UnprocessableEntity(invalid(why))),
        };
        let record = Record {
            id: new_id(),
            user_id: form.user_id.clone(),
            channel: form.channel.to_string(),
            destination,
            subject: form.subject,
            body: form.body,
            status: NotificationStatus::Queued.to_string(),
            sent_at: None,
        };
        match NotificationsDao::insert(&self.client, WRITER, &record).await {
            Ok(row) => {
                let user = ExpandableUser::UserReference(UserReference { id: row.user_id.clone() });
                Ok(NotificationsPostResponse::Created(notification(row, user)))
            }
            Err(e @ DaoError::InvalidText { .. }) => {
                Ok(NotificationsPostResponse::UnprocessableEntity(invalid(e.to_string())))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn get_by_id(
        &self,
        request: NotificationsGetByIdRequest,
    ) -> Result<NotificationsGetByIdResponse, NotificationError> {
        let Some(row) = NotificationsDao::find_by_id(&self.client, &request.id).await? else {
            return Ok(NotificationsGetByIdResponse::NotFound);
        };
        let mut found = self.notifications(vec![row], request.expand.as_deref()).await?;
        Ok(NotificationsGetByIdResponse::Ok(found.remove(0)))
    }

    async fn delete_by_id(
        &self,
        request: NotificationsDeleteByIdRequest,
    ) -> Result<NotificationsDeleteByIdResponse, NotificationError> {
        Ok(match NotificationsDao::delete_by_id(&self.client, &request.id).await? {
            0 => NotificationsDeleteByIdResponse::NotFound,
            _ => NotificationsDeleteByIdResponse::NoContent,
        })
    }
}

/// Liveness: healthy while the database connection lives (a lost one ends the process anyway).
impl Healthchecks for PgNotifications {
    type Error = NotificationError;

    async fn get_healthcheck(
        &self,
        _: HealthchecksGetHealthcheckRequest,
    ) -> Result<HealthchecksGetHealthcheckResponse, NotificationError> {
        let status = if self.client.is_closed() { "unhealthy" } else { "healthy" };
        Ok(HealthchecksGetHealthcheckResponse::Ok(crate::generated::common::models::Healthcheck {
            status: status.to_string(),
        }))
    }
}
