//! The user service on PostgreSQL: the generated `Users` trait over the generated DAO of
//! `schemas/user-dao.json` (`generated::user_dao::dao`). Table `public.users`, journal
//! `journal.users`; the migrations `apigen update` wrote are applied at start-up
//! ([`PgUsers::connect`]).

use apigen_runtime::dao::{DaoError, MigrateError};
use tokio_postgres::error::SqlState;

use crate::generated::common::models::Error;
use crate::generated::migrations::{APP, MIGRATIONS};
use crate::generated::user::api::{
    Users, UsersDeleteByIdRequest, UsersDeleteByIdResponse, UsersGetByIdRequest, UsersGetByIdResponse, UsersGetRequest,
    UsersGetResponse, UsersPostRequest, UsersPostResponse, UsersPutByIdRequest, UsersPutByIdResponse,
};
use crate::generated::user::models::{User, UserForm, UserStatus};
use crate::generated::user_dao::dao::{UserForm as UserRecord, UserRow, UsersDao};

/// Who the service writes rows as (`updated_by`), until requests carry a caller.
const WRITER: &str = "user-service";

/// The users in PostgreSQL (without TLS: a database reached over the network needs a tunnel
/// or a local proxy for now), over one connection (tokio-postgres pipelines concurrent queries on
/// it). When the connection is lost every call fails; `main` then exits so that a supervisor
/// restarts the service.
#[derive(Debug)]
pub struct PgUsers {
    client: tokio_postgres::Client,
}

/// Why the service could not start on PostgreSQL.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("DATABASE_URL is not a PostgreSQL connection string or URL: {0}")]
    Config(tokio_postgres::Error),
    #[error("cannot connect to PostgreSQL: {0}")]
    Connect(tokio_postgres::Error),
    #[error(transparent)]
    Migrate(#[from] MigrateError),
}

impl PgUsers {
    /// Connects to `url` (a libpq connection string or a `postgresql://` URL), applies the
    /// migrations the database lacks, and returns the store with the task driving its connection
    /// (it ends when the connection does).
    pub async fn connect(
        url: &str,
    ) -> Result<(Self, tokio::task::JoinHandle<Result<(), tokio_postgres::Error>>), StartError> {
        let config: tokio_postgres::Config = url.parse().map_err(StartError::Config)?;
        let (mut client, connection) = config.connect(tokio_postgres::NoTls).await.map_err(StartError::Connect)?;
        let driver = tokio::spawn(connection);
        let migrated = apigen_runtime::dao::migrate(&mut client, APP, MIGRATIONS).await?;
        for v in &migrated.applied {
            eprintln!("user service: applied migration {v:04}");
        }
        if !migrated.unknown.is_empty() {
            eprintln!("user service: the database has newer migrations than this release: {:?}", migrated.unknown);
        }
        Ok((PgUsers { client }, driver))
    }
}

/// A store error: the database failed or refused in a way the API has no answer for (500).
#[derive(Debug, thiserror::Error)]
#[error("the user store failed: {0}")]
pub struct PgError(#[from] DaoError);

fn user(row: UserRow) -> User {
    User {
        id: row.id,
        email: row.email,
        name: row.name,
        phone: row.phone,
        status: UserStatus::from(row.status.as_str()),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn record(id: String, form: UserForm) -> UserRecord {
    UserRecord {
        id,
        email: crate::normalize_email(&form.email),
        name: form.name,
        phone: form.phone,
        status: form.status.unwrap_or(UserStatus::Active).to_string(),
    }
}

/// What the API says when the database refuses a write it could have been told about: the
/// unique email, or text the table refuses.
fn refused(e: &DaoError, taken: &str) -> Option<Vec<Error>> {
    match e {
        DaoError::InvalidText { .. } => Some(crate::invalid(&e.to_string())),
        DaoError::Database(db) if db.code() == Some(&SqlState::UNIQUE_VIOLATION) => Some(crate::conflict(taken)),
        DaoError::Database(_) => None,
    }
}

/// A new id: time-ordered (UUID v7), so ids sort in creation order as the in-memory store's do.
fn new_id() -> String {
    format!("usr-{}", uuid::Uuid::now_v7().simple())
}

impl Users for PgUsers {
    type Error = PgError;

    async fn get(&self, request: UsersGetRequest) -> Result<UsersGetResponse, PgError> {
        let db = &self.client;
        let (offset, limit) =
            (usize::try_from(request.offset).unwrap_or(0), usize::try_from(request.limit).unwrap_or(0));
        let email = request.email.as_deref().map(crate::normalize_email);
        let status = request.status.as_ref().map(ToString::to_string);
        // The most selective index first; the other filters apply to what it finds.
        let mut rows: Vec<UserRow> = if let Some(email) = &email {
            UsersDao::find_by_email(db, email).await?.into_iter().collect()
        } else if let Some(ids) = &request.id {
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            let mut rows = Vec::new();
            for id in &ids {
                rows.extend(UsersDao::find_by_id(db, id).await?);
            }
            rows
        } else if let Some(status) = &status {
            UsersDao::find_all_by_status(db, status).await?
        } else {
            // Keyset pages in id order, rows before the offset counted rather than kept, until
            // the page the request asks for is complete.
            let (mut rows, mut skipped) = (Vec::new(), 0);
            let mut after = None;
            while rows.len() < limit {
                let page = UsersDao::page_after(db, after.as_ref(), 100).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.key());
                let skip = (offset - skipped).min(page.len());
                skipped += skip;
                rows.extend(page.into_iter().skip(skip));
            }
            return Ok(UsersGetResponse::Ok(rows.into_iter().take(limit).map(user).collect()));
        };
        rows.retain(|r| {
            request.id.as_ref().is_none_or(|ids| ids.contains(&r.id))
                && email.as_ref().is_none_or(|e| &r.email == e)
                && status.as_ref().is_none_or(|s| &r.status == s)
        });
        Ok(UsersGetResponse::Ok(rows.into_iter().skip(offset).take(limit).map(user).collect()))
    }

    async fn post(&self, request: UsersPostRequest) -> Result<UsersPostResponse, PgError> {
        match UsersDao::insert(&self.client, WRITER, &record(new_id(), request.body)).await {
            Ok(row) => Ok(UsersPostResponse::Created(user(row))),
            Err(e) => match refused(&e, "a user with this email exists") {
                Some(errors) => Ok(UsersPostResponse::UnprocessableEntity(errors)),
                None => Err(e.into()),
            },
        }
    }

    async fn get_by_id(&self, request: UsersGetByIdRequest) -> Result<UsersGetByIdResponse, PgError> {
        Ok(match UsersDao::find_by_id(&self.client, &request.id).await? {
            Some(row) => UsersGetByIdResponse::Ok(user(row)),
            None => UsersGetByIdResponse::NotFound,
        })
    }

    async fn put_by_id(&self, request: UsersPutByIdRequest) -> Result<UsersPutByIdResponse, PgError> {
        let db = &self.client;
        if UsersDao::find_by_id(db, &request.id).await?.is_none() {
            return Ok(UsersPutByIdResponse::NotFound);
        }
        // Unchanged data writes nothing (hash_code): `updated_at` and the journal stay still.
        if let Err(e) = UsersDao::update_by_id(db, WRITER, &record(request.id.clone(), request.body)).await {
            return match refused(&e, "another user has this email") {
                Some(errors) => Ok(UsersPutByIdResponse::UnprocessableEntity(errors)),
                None => Err(e.into()),
            };
        }
        Ok(match UsersDao::find_by_id(db, &request.id).await? {
            Some(row) => UsersPutByIdResponse::Ok(user(row)),
            // Deleted in between.
            None => UsersPutByIdResponse::NotFound,
        })
    }

    async fn delete_by_id(&self, request: UsersDeleteByIdRequest) -> Result<UsersDeleteByIdResponse, PgError> {
        Ok(match UsersDao::delete_by_id(&self.client, &request.id).await? {
            0 => UsersDeleteByIdResponse::NotFound,
            _ => UsersDeleteByIdResponse::NoContent,
        })
    }
}
