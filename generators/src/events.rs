//! The `events` generator: for each event union of a service ([`compiler::events::unions`]),
//! its stream, a producer, a handler trait with one method per member and the function that
//! consumes the stream through it, over `apigen_runtime::events`. Where a table of the service
//! (in its own spec, or in its data tier's, the spec keyed `<key>-dao`) is the subject of the
//! union's members (a `psql` model named like the subject: `user` for `user_upserted`), also
//! the relay's mapping from the table's journal rows to events (`INSERT`/`UPDATE` → upserted,
//! `DELETE` → deleted, each field from the column of its name) and the function that runs the
//! relay, so that the journal is the outbox.

use compiler::dao::{SqlType, Table};
use compiler::events::{EventKind, EventMember, EventUnion};
use compiler::ir::{Ir, ModelId, Primitive, ServiceId, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::rust::{From, field_ident, rust_type, type_ident};
use crate::{GenerateError, Part, part};

/// The events module of a service, cut into parts: imports, then one part per event union.
pub(crate) fn parts(ir: &Ir, sid: ServiceId) -> Result<Vec<Part<'_>>, GenerateError> {
    let (unions, _) = compiler::events::unions(ir, sid);
    let mut parts: Vec<Part<'_>> = vec![part(move || {
        quote! {
            #![doc = " The events of the service: a stream per event union, producers, consumers and, where a"]
            #![doc = " table is the subject of a union's members, the relay from its journal."]
            use ::apigen_runtime::events::{Consumer, EventError, Outgoing, Stream, Transport};
        }
    })];
    for u in unions {
        // Checked here, made again where the part is rendered (tokens stay on their thread).
        relay_source(ir, sid, &u)?;
        parts.push(part(move || {
            let relay = relay_source(ir, sid, &u).ok().flatten();
            union(ir, sid, &u, relay.as_ref())
        }));
    }
    Ok(parts)
}

/// Whether a service has event unions the generator can serve.
pub(crate) fn applies(ir: &Ir, sid: ServiceId) -> bool {
    compiler::events::unions(ir, sid).0.iter().any(|u| !u.members.is_empty())
}

/// The table whose journal feeds a union: the one table of the repository whose model is
/// named like the members' subject, and how each member is built from its rows.
struct Relay {
    journal: String,
    table: String,
    /// Per member (by index in the union's members): how each of its fields is filled.
    members: Vec<(usize, EventKind, Vec<TokenStream>)>,
}

/// Where a union's events come from: a table's journal, mapped; or a table of the subject's name
/// whose columns cannot make the members (a data model shaped unlike the API's), which gets no
/// relay and says why in the stream's documentation.
enum Source {
    Mapped(Relay),
    Unmapped(String),
}

fn relay_source(ir: &Ir, sid: ServiceId, u: &EventUnion) -> Result<Option<Source>, GenerateError> {
    let Some(subject) = u.members.first().map(|m| m.subject.clone()) else { return Ok(None) };
    if u.members.iter().any(|m| m.subject != subject) {
        return Ok(None);
    }
    // The service's tables: its own, and those of its data tier, the spec keyed `<key>-dao`.
    let data_key = format!("{}-dao", ir.service(sid).key);
    let mut found: Vec<(Table, Vec<Table>)> = Vec::new();
    for s in ir.service_ids().filter(|s| *s == sid || ir.service(*s).key == data_key) {
        let tables = compiler::dao::tables(ir, s);
        for t in &tables {
            if ir.model(t.model).name.rsplit('.').next() == Some(subject.as_str()) {
                found.push((t.clone(), tables.clone()));
            }
        }
    }
    let (table, all) = match found.len() {
        0 => return Ok(None),
        1 => found.remove(0),
        _ => {
            return Err(GenerateError::Unsupported {
                service: ir.service(sid).key.clone(),
                generator: "events",
                detail: format!(
                    "the relay of `{}`: several tables are models named `{subject}`",
                    ir.union(u.union).name
                ),
            });
        }
    };
    let journal = format!("journal.{}", crate::psql::ident(&crate::psql::journal_name(&all, &table)));
    let mut members = Vec::new();
    for m in &u.members {
        match member_fields(ir, sid, m, &table) {
            Ok(fields) => members.push((m.index, m.kind, fields)),
            Err(why) => {
                return Ok(Some(Source::Unmapped(format!(
                    "`{journal}` cannot make `{}`: {why}",
                    ir.model(m.model).name
                ))));
            }
        }
    }
    Ok(Some(Source::Mapped(Relay { journal, table: table.name.clone(), members })))
}

/// How each field of an event member is filled from a journal row.
fn member_fields(ir: &Ir, sid: ServiceId, m: &EventMember, table: &Table) -> Result<Vec<TokenStream>, String> {
    let model = ir.model(m.model);
    let mut out = Vec::new();
    for (i, f) in model.fields.iter().enumerate() {
        let name = field_ident(&f.name);
        let value = if f.name == "event_id" {
            quote!(event_id.clone())
        } else if f.name == "timestamp" {
            out.push(quote!(timestamp));
            continue;
        } else if m.carries.map(|c| c.0) == Some(i) {
            let (_, subject) = m.carries.expect("carries");
            let built = subject_value(ir, sid, subject, table)?;
            if f.presence.is_required() { built } else { quote!(Some(#built)) }
        } else if m.key == Some(i) {
            column_value(ir, sid, &f.ty, &f.name, table, f.presence.is_required())?
        } else if !f.presence.is_required() {
            quote!(None)
        } else {
            return Err(format!("the field `{}` of `{}` has no column to come from", f.name, model.name));
        };
        out.push(quote!(#name: #value));
    }
    Ok(out)
}

/// The subject model built from a journal row, field by field from the columns of its name.
fn subject_value(ir: &Ir, sid: ServiceId, subject: ModelId, table: &Table) -> Result<TokenStream, String> {
    let m = ir.model(subject);
    let ty = rust_type(ir, &Type::Model(subject), sid, From::Sibling);
    let mut fields = Vec::new();
    for f in &m.fields {
        let name = field_ident(&f.name);
        let value = column_value(ir, sid, &f.ty, &f.name, table, f.presence.is_required())?;
        fields.push(quote!(#name: #value));
    }
    Ok(quote!(#ty { #(#fields),* }))
}

/// A field's value from the journal column of its name: `required` ones must not be null.
fn column_value(
    ir: &Ir,
    sid: ServiceId,
    ty: &Type,
    column: &str,
    table: &Table,
    required: bool,
) -> Result<TokenStream, String> {
    let Some(c) = table.column(column) else {
        return Err(format!("table {} has no column `{column}`", table.qualified()));
    };
    let col_ty = crate::dao::rust_type(c.ty);
    let get = if required {
        quote!(::apigen_runtime::events::required::<#col_ty>(row, #column)?)
    } else {
        quote!(::apigen_runtime::events::optional::<#col_ty>(row, #column)?)
    };
    let json = |v: TokenStream| quote!(::serde_json::from_value(#v).map_err(|e| EventError::Map(e.to_string())));
    Ok(match (ty, c.ty) {
        (Type::Enum(e), SqlType::Text) if !ir.enum_(*e).integer => {
            let e = rust_type(ir, ty, sid, From::Sibling);
            if required { quote!(#e::from(#get.as_str())) } else { quote!(#get.map(|v| #e::from(v.as_str()))) }
        }
        (Type::Primitive(p), _) if col_ty.to_string() == crate::rust::primitive(*p).to_string() => get,
        (
            Type::Primitive(Primitive::Json | Primitive::Object)
            | Type::Model(_)
            | Type::Union(_)
            | Type::List(_)
            | Type::Map(_),
            SqlType::Jsonb,
        ) => {
            if required {
                let v = json(get);
                quote!(#v?)
            } else {
                let v = json(quote!(v));
                quote!(#get.map(|v| #v).transpose()?)
            }
        }
        _ => return Err(format!("column `{column}` ({:?}) cannot become the field's type", c.ty)),
    })
}

fn union(ir: &Ir, sid: ServiceId, u: &EventUnion, source: Option<&Source>) -> TokenStream {
    let relay = match source {
        Some(Source::Mapped(r)) => Some(r),
        _ => None,
    };
    let unmapped = match source {
        Some(Source::Unmapped(why)) => vec![
            String::new(),
            format!(" No relay is generated: {why}. Publish with the producer, or map the rows"),
            " yourself for `apigen_runtime::events::run_relay`.".to_string(),
        ],
        _ => Vec::new(),
    };
    let un = ir.union(u.union);
    let ty = type_ident(&un.name);
    let snake = heck::ToSnakeCase::to_snake_case(un.name.as_str());
    let stream_fn = format_ident!("{snake}_stream");
    let (subject, stream) = (&u.subject, &u.stream);
    let producer = format_ident!("{}Producer", ty);
    let handler = format_ident!("{}Handler", ty);
    let dispatch = format_ident!("{}Dispatch", ty);
    let consume = format_ident!("consume_{snake}");
    let variants = crate::models::union_variants(un);
    let stream_doc = format!(" The stream of `{}`: subject `{subject}`, JetStream stream `{stream}`.", un.name);
    let ids = u.members.iter().map(|m| {
        let v = &variants[m.index];
        quote!(Self::#v(e) => ::std::option::Option::Some(&e.event_id))
    });
    let methods: Vec<_> = u
        .members
        .iter()
        .map(|m| {
            let member = ir.model(m.model);
            let method = field_ident(&member.name);
            let mty = rust_type(ir, &Type::Model(m.model), sid, From::Sibling);
            let doc = format!(" Applies a `{}`, in the transaction its id is recorded in.", member.name);
            (method, mty, doc, variants[m.index].clone())
        })
        .collect();
    let trait_methods = methods.iter().map(|(method, mty, doc, _)| {
        quote! {
            #[doc = #doc]
            fn #method(&self, tx: &::apigen_runtime::dao::Transaction<'_>, event: #mty)
                -> impl ::std::future::Future<Output = ::std::result::Result<(), Self::Error>> + Send;
        }
    });
    let arms = methods.iter().map(|(method, _, _, v)| quote!(super::models::#ty::#v(e) => self.0.#method(tx, e).await));
    let producer_doc = format!(" Publishes `{}`s: `{producer}::new(transport).await?.publish(&event).await`.", un.name);
    let handler_doc = format!(" What a consumer of `{}` does with each member.", un.name);
    let consume_doc = [
        format!(" Consumes `{}` as `consumer` (durable: every instance of an app shares it) until", un.name),
        " `stop`, each event once in effect: see `apigen_runtime::events::Consumer`.".to_string(),
    ];
    let relay_items = relay.map(|r| {
        let from_journal = format_ident!("{snake}_from_{}_journal", r.table);
        let run = format_ident!("run_{snake}_relay");
        let journal = &r.journal;
        let table = &r.table;
        let arm = |kind: EventKind| {
            r.members.iter().find(|(_, k, _)| *k == kind).map(|(i, _, fields)| {
                let v = &variants[*i];
                let mty = rust_type(ir, &un.members[*i].ty, sid, From::Sibling);
                quote!(super::models::#ty::#v(#mty { #(#fields),* }))
            })
        };
        let upsert = arm(EventKind::Upserted).map(|e| quote!("INSERT" | "UPDATE" => #e,));
        let delete = arm(EventKind::Deleted).map(|e| quote!("DELETE" => #e,));
        let doc = format!(" The event of a row of `{journal}`: its id `{table}-<journal_id>`, so a row sent twice is one event.");
        let run_doc = format!(" Relays `{journal}` to [`{stream_fn}`] until `stop` (see `apigen_runtime::events::run_relay`).");
        quote! {
            #[doc = #doc]
            pub fn #from_journal(row: &::apigen_runtime::dao::Row) -> ::std::result::Result<Outgoing, EventError> {
                let journal_id: i64 = ::apigen_runtime::events::required(row, "journal_id")?;
                let operation: ::std::string::String = ::apigen_runtime::events::required(row, "journal_operation")?;
                let timestamp: ::chrono::DateTime<::chrono::FixedOffset> =
                    ::apigen_runtime::events::required(row, "journal_timestamp")?;
                let event_id = ::apigen_runtime::events::journal_event_id(#table, journal_id);
                let event = match operation.as_str() {
                    #upsert
                    #delete
                    other => return Err(EventError::Map(format!("journal operation `{other}` has no event"))),
                };
                let payload = ::serde_json::to_vec(&event).map_err(|e| EventError::Map(e.to_string()))?;
                Ok(Outgoing { id: event_id, payload })
            }

            #[doc = #run_doc]
            pub async fn #run<T: Transport>(
                client: &mut ::apigen_runtime::dao::Client,
                transport: &T,
                stop: impl ::std::future::Future<Output = ()>,
            ) -> ::std::result::Result<(), EventError> {
                let stream = #stream_fn();
                transport.ensure(&stream).await?;
                ::apigen_runtime::events::run_relay(
                    client, transport, &stream, #journal, 500, ::std::time::Duration::from_millis(20), #from_journal, stop,
                ).await
            }
        }
    });
    quote! {
        #[doc = #stream_doc]
        #(#[doc = #unmapped])*
        pub fn #stream_fn() -> Stream {
            Stream { name: #stream.to_string(), subject: #subject.to_string() }
        }

        impl super::models::#ty {
            /// The event's id (`event_id`), which the broker deduplicates by; none for a member
            /// this version does not know.
            pub fn event_id(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#ids,)*
                    _ => ::std::option::Option::None,
                }
            }

            /// A delivery's JSON as an event; a member this version does not know is an error,
            /// which the consumer keeps with the failed events.
            pub fn decode(bytes: &[u8]) -> ::std::result::Result<Self, ::std::string::String> {
                let event: Self = ::serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
                match event.event_id() {
                    ::std::option::Option::Some(_) => Ok(event),
                    ::std::option::Option::None => Err("an event member this version does not know".to_string()),
                }
            }
        }

        #[doc = #producer_doc]
        #[derive(Debug, Clone)]
        pub struct #producer<T> {
            transport: T,
            stream: Stream,
        }

        impl<T: Transport> #producer<T> {
            /// A producer on `transport`, its stream created unless it exists.
            pub async fn new(transport: T) -> ::std::result::Result<Self, EventError> {
                let stream = #stream_fn();
                transport.ensure(&stream).await?;
                Ok(Self { transport, stream })
            }

            /// Publishes the events in order; returns once the broker has them all.
            pub async fn publish_all(&self, events: &[super::models::#ty]) -> ::std::result::Result<(), EventError> {
                let mut out = ::std::vec::Vec::with_capacity(events.len());
                for e in events {
                    let id = e.event_id().ok_or_else(|| EventError::Map("an unknown member cannot be published".into()))?;
                    let payload = ::serde_json::to_vec(e).map_err(|e| EventError::Map(e.to_string()))?;
                    out.push(Outgoing { id: id.to_string(), payload });
                }
                self.transport.publish(&self.stream, &out).await
            }

            /// Publishes one event; returns once the broker has it.
            pub async fn publish(&self, event: &super::models::#ty) -> ::std::result::Result<(), EventError> {
                self.publish_all(::std::slice::from_ref(event)).await
            }
        }

        #[doc = #handler_doc]
        pub trait #handler: Send + Sync {
            type Error: ::std::fmt::Display + Send;
            #(#trait_methods)*
        }

        /// A handler of every member as the runtime's consumer takes it.
        #[derive(Debug)]
        pub struct #dispatch<H>(pub H);

        impl<H: #handler> ::apigen_runtime::events::Handler<super::models::#ty> for #dispatch<H> {
            type Error = ::std::string::String;

            async fn handle(
                &self,
                tx: &::apigen_runtime::dao::Transaction<'_>,
                event: super::models::#ty,
            ) -> ::std::result::Result<(), ::std::string::String> {
                let done = match event {
                    #(#arms,)*
                    _ => return Err("an event member this version does not know".to_string()),
                };
                done.map_err(|e| e.to_string())
            }
        }

        #(#[doc = #consume_doc])*
        pub async fn #consume<T: Transport, H: #handler>(
            client: &mut ::apigen_runtime::dao::Client,
            transport: &T,
            consumer: &Consumer,
            handler: H,
            stop: impl ::std::future::Future<Output = ()>,
        ) -> ::std::result::Result<(), EventError> {
            let stream = #stream_fn();
            transport.ensure(&stream).await?;
            consumer.prepare(client).await?;
            let mut subscription = transport.subscribe(&stream, &consumer.name).await?;
            consumer.run(client, &mut subscription, super::models::#ty::decode, &#dispatch(handler), stop).await
        }

        #relay_items
    }
}
