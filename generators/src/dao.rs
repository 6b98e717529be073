//! The Rust DAO of a spec's tables ([`compiler::dao::tables`]), over tokio-postgres through
//! `apigen_runtime::dao`. Per table: a row type (every column), a form type (the model's
//! fields: what a write says), and a DAO whose queries the table's metadata decides:
//!
//! - `find_by_<pkey>`; for every index without `where`, `find_by_<cols>` (unique: `Option`) or
//!   `find_all_by_<cols>` (not unique: `Vec`), and for a composite one its prefixes;
//! - `page_after` and `for_each_page`: keyset iteration by primary key, never by offset;
//! - `insert`, `insert_batch`, `update_by_<pkey>`, `upsert_by_<on_conflict>` and
//!   `upsert_batch_by_<on_conflict>`; with `hash_code`, an update or upsert of unchanged data
//!   writes nothing (`where hash_code != …`), so `updated_at` and the journal stay still;
//! - `delete_by_<pkey>`: soft (`deleted_at`, `deleted_by`) when the audit has `deleted`.
//!
//! Every method takes any `GenericClient` (a client, a transaction), text is checked before the
//! query, and soft-deleted rows are not found.

use std::collections::BTreeSet;

use compiler::dao::{ColumnSource, SqlType, Table};
use compiler::ir::{Ir, ServiceId};
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::psql::ident as sql_ident;
use crate::rust::docs;
use crate::{Part, part};

/// The DAO module of a service, cut into parts: the module's documentation and imports, then
/// one part per table. A service without tables has none ([`crate::applies`] says so first).
pub(crate) fn parts(ir: &Ir, sid: ServiceId) -> Vec<Part<'_>> {
    let tables = compiler::dao::tables(ir, sid);
    let name = ir.service(sid).name.clone();
    let mut parts: Vec<Part<'_>> = vec![part(move || {
        let doc = [
            format!(" The DAO of the `{name}` spec's tables, over tokio-postgres: queries where the indexes"),
            " say, writes that check text first and, with `hash_code`, skip unchanged rows.".to_string(),
        ];
        quote! {
            #(#![doc = #doc])*
            use ::apigen_runtime::dao::{DaoError, GenericClient, Param};
        }
    })];
    for t in tables {
        parts.push(part(move || table(ir, &t)));
    }
    parts
}

pub(crate) fn rust_type(ty: SqlType) -> TokenStream {
    match ty {
        SqlType::Text => quote!(::std::string::String),
        SqlType::Uuid => quote!(::uuid::Uuid),
        SqlType::Boolean => quote!(bool),
        SqlType::Integer => quote!(i32),
        SqlType::Bigint => quote!(i64),
        SqlType::Double => quote!(f64),
        SqlType::Numeric => quote!(::rust_decimal::Decimal),
        SqlType::Date => quote!(::chrono::NaiveDate),
        SqlType::Timestamptz => quote!(::chrono::DateTime<::chrono::FixedOffset>),
        SqlType::Jsonb => quote!(::serde_json::Value),
    }
}

/// What a caller passes for a value of this type: a borrow where that is cheaper.
fn arg_type(ty: SqlType) -> TokenStream {
    match ty {
        SqlType::Text => quote!(&str),
        SqlType::Jsonb => quote!(&::serde_json::Value),
        other => rust_type(other),
    }
}

fn field(name: &str) -> Ident {
    crate::rust::field_ident(name)
}

fn table(ir: &Ir, t: &Table) -> TokenStream {
    let m = ir.model(t.model);
    let base = m.name.to_upper_camel_case();
    let row = format_ident!("{base}Row");
    let form = format_ident!("{base}Form");
    let dao = format_ident!("{}Dao", t.name.to_upper_camel_case());
    let q = format!("{}.{}", sql_ident(&t.schema), sql_ident(&t.name));
    let col = |name: &str| t.column(name).expect("a column of the table");
    let columns: Vec<&compiler::dao::Column> = t.columns.iter().collect();
    let select_list = columns.iter().map(|c| sql_ident(&c.name)).collect::<Vec<_>>().join(", ");
    let live = if let Some(d) = &t.audit.deleted_at { format!(" and {} is null", sql_ident(d)) } else { String::new() };

    // The row.
    let row_fields = columns.iter().map(|c| {
        let f = field(&c.name);
        let ty = rust_type(c.ty);
        let ty = if c.nullable { quote!(::std::option::Option<#ty>) } else { ty };
        quote!(pub #f: #ty,)
    });
    let from_row = columns.iter().enumerate().map(|(i, c)| {
        let f = field(&c.name);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote!(#f: row.try_get(#i)?,)
    });
    let row_doc = format!(" A row of `{q}` (model `{}`).", m.name);

    // The form: the model's fields.
    let form_columns: Vec<&&compiler::dao::Column> =
        columns.iter().filter(|c| matches!(c.source, ColumnSource::Field(_))).collect();
    let form_fields = form_columns.iter().map(|c| {
        let f = field(&c.name);
        let ty = rust_type(c.ty);
        let ty = if c.nullable { quote!(::std::option::Option<#ty>) } else { ty };
        let doc = match c.source {
            ColumnSource::Field(i) => docs(m.fields[i].description.as_deref()),
            _ => quote!(),
        };
        quote!(#doc pub #f: #ty,)
    });
    let checks = form_columns.iter().filter(|c| c.trimmed_text).map(|c| {
        let f = field(&c.name);
        let name = &c.name;
        if c.nullable {
            quote! {
                if let Some(value) = &self.#f {
                    ::apigen_runtime::dao::check_text(#name, value)?;
                }
            }
        } else {
            quote!(::apigen_runtime::dao::check_text(#name, &self.#f)?;)
        }
    });
    let form_doc = format!(" What a write of `{q}` says: the fields of model `{}`.", m.name);

    // Who writes: the audit's `by` columns, set from the caller's `by`.
    let by_ty = [&t.audit.created_by, &t.audit.updated_by, &t.audit.deleted_by]
        .into_iter()
        .flatten()
        .map(|c| col(c).ty)
        .next()
        .unwrap_or(SqlType::Text);
    let by_arg = arg_type(by_ty);
    // A `by` column of another type than the first (Flow's `created_by_guid uuid` beside
    // `updated_by_user_id text`) takes `by` as text.
    let by_bind = |ty: SqlType| {
        if ty == by_ty || ty != SqlType::Text { quote!(&by) } else { quote!(&by.to_string()) }
    };
    let by_check = (by_ty == SqlType::Text).then(|| quote!(::apigen_runtime::dao::check_text("by", by)?;));
    let has_by = t.audit.created_by.is_some() || t.audit.updated_by.is_some() || t.audit.deleted_by.is_some();
    let by_param = if has_by { quote!(by: #by_arg,) } else { quote!() };
    let by_check = if has_by { by_check } else { None };
    // Each write takes `by` only when it writes a `by` column: inserts and upserts the created
    // and updated ones, updates the updated one, deletes the deleted one.
    let writes_by = |yes: bool| if yes { (by_param.clone(), by_check.clone()) } else { (quote!(), None) };
    let (update_by_param, update_by_check) = writes_by(t.audit.updated_by.is_some());
    let (insert_by_param, insert_by_check) = writes_by(t.audit.created_by.is_some() || t.audit.updated_by.is_some());

    // Insert: the form's columns, the `by` columns, `hash_code`.
    let mut insert_cols: Vec<String> = form_columns.iter().map(|c| c.name.clone()).collect();
    let mut insert_vals: Vec<TokenStream> = form_columns
        .iter()
        .map(|c| {
            let f = field(&c.name);
            quote!(&form.#f)
        })
        .collect();
    for c in [&t.audit.created_by, &t.audit.updated_by].into_iter().flatten() {
        insert_cols.push(c.clone());
        insert_vals.push(by_bind(col(c).ty));
    }
    if t.hash_code {
        insert_cols.push("hash_code".into());
        insert_vals.push(quote!(&hash));
    }
    let placeholders = |n: usize, from: usize| (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let insert_batch_sql = format!(
        "insert into {q} ({}) values ({})",
        insert_cols.iter().map(|c| sql_ident(c)).collect::<Vec<_>>().join(", "),
        placeholders(insert_cols.len(), 1)
    );
    let insert_sql = format!("{insert_batch_sql} returning {select_list}");
    let hash_let = if t.hash_code { quote!(let hash = form.hash_code();) } else { quote!() };
    // A batch pipelines its statements: each one's parameters are moved into its future, so they
    // may borrow only what outlives the batch (the forms, their hashes computed first, `by`).
    let by_text = insert_vals.iter().any(|v| v.to_string() == quote!(&by.to_string()).to_string());
    let pipelined = |vals: &[TokenStream]| -> Vec<TokenStream> {
        vals.iter()
            .map(|v| match v.to_string() {
                s if s == quote!(&hash).to_string() => quote!(hash as Param<'_>),
                s if s == quote!(&by.to_string()).to_string() => quote!(&by_text as Param<'_>),
                _ => quote!(#v as Param<'_>),
            })
            .collect()
    };
    let batch_prelude = {
        let hashes = t
            .hash_code
            .then(|| quote!(let hashes: ::std::vec::Vec<i64> = forms.iter().map(|f| f.hash_code()).collect();));
        let by_text = by_text.then(|| quote!(let by_text = by.to_string();));
        quote!(#hashes #by_text)
    };
    let (each_form, each_pat) = if t.hash_code {
        (quote!(forms.iter().zip(&hashes)), quote!((form, hash)))
    } else {
        (quote!(forms.iter()), quote!(form))
    };

    // Primary key.
    let pk_cols: Vec<&compiler::dao::Column> = t.pkey.iter().map(|p| col(p)).collect();
    let pk_names = t.pkey.join("_and_");
    let pk_args: Vec<TokenStream> = pk_cols
        .iter()
        .map(|c| {
            let f = field(&c.name);
            let ty = arg_type(c.ty);
            quote!(#f: #ty)
        })
        .collect();
    let pk_binds: Vec<TokenStream> = pk_cols
        .iter()
        .map(|c| {
            let f = field(&c.name);
            quote!(&#f)
        })
        .collect();
    let pk_where = |from: usize| {
        t.pkey
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{} = ${}", sql_ident(p), from + i))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let find_by_pk = format_ident!("find_by_{}", pk_names.to_snake_case());
    let find_pk_sql = format!("select {select_list} from {q} where {}{live}", pk_where(1));
    let find_pk_doc = format!(" The row whose `{}` is given.", t.pkey.join("`, `"));

    // Finders from indexes (partial ones give none, as in Flow's generator).
    let mut finders = Vec::new();
    let mut seen: BTreeSet<(Vec<String>, bool)> = BTreeSet::new();
    seen.insert((t.pkey.clone(), true));
    for i in t.indexes.iter().filter(|i| i.predicate.is_none()) {
        let mut shapes = vec![(i.fields.clone(), i.unique)];
        // A composite index serves its prefixes too, none of them unique.
        for n in 1..i.fields.len() {
            shapes.push((i.fields[..n].to_vec(), false));
        }
        for (fields, unique) in shapes {
            if seen.contains(&(fields.clone(), true)) || !seen.insert((fields.clone(), unique)) {
                continue;
            }
            let cols: Vec<&compiler::dao::Column> = fields.iter().map(|f| col(f)).collect();
            let args = cols.iter().map(|c| {
                let f = field(&c.name);
                let ty = arg_type(c.ty);
                quote!(#f: #ty)
            });
            let binds = cols.iter().map(|c| {
                let f = field(&c.name);
                quote!(&#f)
            });
            let cond =
                fields.iter().enumerate().map(|(k, f)| format!("{} = ${}", sql_ident(f), k + 1)).collect::<Vec<_>>();
            let order = t.pkey.iter().map(|p| sql_ident(p)).collect::<Vec<_>>().join(", ");
            let joined = fields.join("_and_");
            if unique {
                let name = format_ident!("find_by_{}", joined.to_snake_case());
                let sql = format!("select {select_list} from {q} where {}{live}", cond.join(" and "));
                let doc = format!(" The row whose `{}` is given (a unique index).", fields.join("`, `"));
                finders.push(quote! {
                    #[doc = #doc]
                    pub async fn #name(db: &impl GenericClient, #(#args),*) -> ::std::result::Result<::std::option::Option<#row>, DaoError> {
                        let found = db.query_opt(#sql, &[#(#binds),*]).await?;
                        found.as_ref().map(#row::from_row).transpose()
                    }
                });
            } else {
                let name = format_ident!("find_all_by_{}", joined.to_snake_case());
                let sql = format!("select {select_list} from {q} where {}{live} order by {order}", cond.join(" and "));
                let doc =
                    format!(" Every row whose `{}` is given (an index), in primary key order.", fields.join("`, `"));
                finders.push(quote! {
                    #[doc = #doc]
                    pub async fn #name(db: &impl GenericClient, #(#args),*) -> ::std::result::Result<::std::vec::Vec<#row>, DaoError> {
                        let rows = db.query(#sql, &[#(#binds),*]).await?;
                        rows.iter().map(#row::from_row).collect()
                    }
                });
            }
        }
    }

    // Keyset pages.
    let pk_tuple = t.pkey.iter().map(|p| sql_ident(p)).collect::<Vec<_>>().join(", ");
    let page_first = match &t.audit.deleted_at {
        Some(d) => format!("select {select_list} from {q} where {} is null order by {pk_tuple} limit $1", sql_ident(d)),
        None => format!("select {select_list} from {q} order by {pk_tuple} limit $1"),
    };
    let page_after_sql = format!(
        "select {select_list} from {q} where ({pk_tuple}) > ({}){live} order by {pk_tuple} limit ${}",
        placeholders(t.pkey.len(), 1),
        t.pkey.len() + 1
    );
    let key_ty: Vec<TokenStream> = pk_cols.iter().map(|c| rust_type(c.ty)).collect();
    let key_values: Vec<TokenStream> = pk_cols
        .iter()
        .map(|c| {
            let f = field(&c.name);
            if matches!(c.ty, SqlType::Text | SqlType::Jsonb) { quote!(self.#f.clone()) } else { quote!(self.#f) }
        })
        .collect();
    let key_idx: Vec<syn::Index> = (0..pk_cols.len()).map(syn::Index::from).collect();
    let key_type = quote!((#(#key_ty,)*));

    // Update by primary key.
    let update_by_pk = format_ident!("update_by_{}", pk_names.to_snake_case());
    let settable: Vec<&&&compiler::dao::Column> = form_columns.iter().filter(|c| !t.pkey.contains(&c.name)).collect();
    let mut sets: Vec<String> = Vec::new();
    let mut update_binds: Vec<TokenStream> = Vec::new();
    for c in &settable {
        let f = field(&c.name);
        update_binds.push(quote!(&form.#f));
        sets.push(format!("{} = ${}", sql_ident(&c.name), update_binds.len()));
    }
    if let Some(u) = &t.audit.updated_by {
        update_binds.push(by_bind(col(u).ty));
        sets.push(format!("{} = ${}", sql_ident(u), update_binds.len()));
    }
    if t.hash_code {
        update_binds.push(quote!(&hash));
        sets.push(format!("hash_code = ${}", update_binds.len()));
    }
    let first_key = update_binds.len() + 1;
    for p in &t.pkey {
        let f = field(p);
        update_binds.push(quote!(&form.#f));
    }
    let unchanged =
        if t.hash_code { format!(" and hash_code != ${}", update_binds.len() - t.pkey.len()) } else { String::new() };
    let update_sql = if sets.is_empty() {
        None
    } else {
        Some(format!("update {q} set {} where {}{live}{unchanged}", sets.join(", "), pk_where(first_key)))
    };
    let update_fn = update_sql.map(|sql| {
        let doc = format!(
            " Writes the form over the row with its `{}`; the number of rows written: 0 when there is none{}.",
            t.pkey.join("`, `"),
            if t.hash_code { ", or it holds this data already" } else { "" }
        );
        quote! {
            #[doc = #doc]
            pub async fn #update_by_pk(db: &impl GenericClient, #update_by_param form: &#form) -> ::std::result::Result<u64, DaoError> {
                form.check()?;
                #update_by_check
                #hash_let
                Ok(db.execute(#sql, &[#(#update_binds),*]).await?)
            }
        }
    });

    // Upserts by the on_conflict key.
    let upserts = t.on_conflict.as_ref().map(|key| {
        let name = key.join("_and_").to_snake_case();
        let one = format_ident!("upsert_by_{name}");
        let batch = format_ident!("upsert_batch_by_{name}");
        let mut updates: Vec<String> = insert_cols
            .iter()
            .filter(|c| !key.contains(c) && !t.pkey.contains(c) && Some(*c) != t.audit.created_by.as_ref())
            .map(|c| format!("{0} = excluded.{0}", sql_ident(c)))
            .collect();
        if updates.is_empty() {
            updates.push(format!("{0} = excluded.{0}", sql_ident(&key[0])));
        }
        let guard = if t.hash_code { format!(" where {}.hash_code != excluded.hash_code", sql_ident(&t.name)) } else { String::new() };
        let sql = format!(
            "insert into {q} ({}) values ({}) on conflict ({}) do update set {}{guard}",
            insert_cols.iter().map(|c| sql_ident(c)).collect::<Vec<_>>().join(", "),
            placeholders(insert_cols.len(), 1),
            key.iter().map(|c| sql_ident(c)).collect::<Vec<_>>().join(", "),
            updates.join(", ")
        );
        let doc = format!(
            " Inserts the form, or writes it over the row with its `{}`; the number of rows written{}.",
            key.join("`, `"),
            if t.hash_code { " (0 when that row holds this data already)" } else { "" }
        );
        let batch_doc = format!(
            " [`Self::{one}`] for every form (one statement, pipelined); the rows written. In a transaction, all or none."
        );
        let vals = insert_vals.clone();
        let vals2 = pipelined(&insert_vals);
        let prelude = batch_prelude.clone();
        let by_arg2 = insert_by_param.clone();
        let by_check2 = insert_by_check.clone();
        quote! {
            #[doc = #doc]
            pub async fn #one(db: &impl GenericClient, #insert_by_param form: &#form) -> ::std::result::Result<u64, DaoError> {
                form.check()?;
                #insert_by_check
                #hash_let
                Ok(db.execute(#sql, &[#(#vals),*]).await?)
            }

            #[doc = #batch_doc]
            pub async fn #batch(db: &impl GenericClient, #by_arg2 forms: &[#form]) -> ::std::result::Result<u64, DaoError> {
                #by_check2
                for form in forms {
                    form.check()?;
                }
                #prelude
                let statement = db.prepare(#sql).await?;
                let writes = #each_form.map(|#each_pat| db.execute_raw(&statement, [#(#vals2),*]));
                Ok(::apigen_runtime::dao::pipeline(writes).await?.iter().sum())
            }
        }
    });

    // Delete: soft when the audit has `deleted`.
    let delete_by_pk = format_ident!("delete_by_{}", pk_names.to_snake_case());
    let (delete_sql, delete_binds, delete_doc) = match &t.audit.deleted_at {
        Some(at) => {
            let mut sets = vec![format!("{} = now()", sql_ident(at))];
            let mut binds = Vec::new();
            if let Some(b) = &t.audit.deleted_by {
                binds.push(by_bind(col(b).ty));
                sets.push(format!("{} = $1", sql_ident(b)));
            }
            let from = binds.len() + 1;
            binds.extend(pk_binds.iter().cloned());
            (
                format!("update {q} set {} where {}{live}", sets.join(", "), pk_where(from)),
                binds,
                " Marks the row deleted (`deleted_at`): it is found no more, and kept. The rows marked: 0 or 1.",
            )
        }
        None => (
            format!("delete from {q} where {}", pk_where(1)),
            pk_binds.clone(),
            " Deletes the row; the rows deleted: 0 or 1.",
        ),
    };
    let delete_by = if t.audit.deleted_by.is_some() { by_param.clone() } else { quote!() };
    let delete_check = if t.audit.deleted_by.is_some() { by_check.clone() } else { None };

    let dao_doc = format!(" The queries of `{q}`.");
    let key_doc = format!(" The row's primary key, as [`{dao}::page_after`] takes it.");
    let insert_doc = " Inserts the form; the row as written (with its audit columns).";
    let batch_doc = " Inserts every form (one statement, pipelined); the rows written. In a transaction, all or none.";
    let page_doc =
        format!(" The next `limit` rows after the key `after` (from the first without), in `{pk_tuple}` order.");
    let each_doc = " Every row, page by page (keyset, by primary key): `visit` sees each page in order.";
    let vals_batch = pipelined(&insert_vals);
    quote! {
        #[doc = #row_doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #row {
            #(#row_fields)*
        }

        impl #row {
            fn from_row(row: &::apigen_runtime::dao::Row) -> ::std::result::Result<Self, DaoError> {
                Ok(Self { #(#from_row)* })
            }

            #[doc = #key_doc]
            pub fn key(&self) -> #key_type {
                (#(#key_values,)*)
            }
        }

        #[doc = #form_doc]
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        pub struct #form {
            #(#form_fields)*
        }

        impl #form {
            /// What the `hash_code` column holds for this form (see `apigen_runtime::dao::hash_code`).
            pub fn hash_code(&self) -> i64 {
                ::apigen_runtime::dao::hash_code(self)
            }

            /// Text the table refuses, refused before the query.
            pub fn check(&self) -> ::std::result::Result<(), DaoError> {
                #(#checks)*
                Ok(())
            }
        }

        #[doc = #dao_doc]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #dao;

        impl #dao {
            #[doc = #find_pk_doc]
            pub async fn #find_by_pk(db: &impl GenericClient, #(#pk_args),*) -> ::std::result::Result<::std::option::Option<#row>, DaoError> {
                let found = db.query_opt(#find_pk_sql, &[#(#pk_binds),*]).await?;
                found.as_ref().map(#row::from_row).transpose()
            }

            #(#finders)*

            #[doc = #page_doc]
            pub async fn page_after(db: &impl GenericClient, after: ::std::option::Option<&#key_type>, limit: i64) -> ::std::result::Result<::std::vec::Vec<#row>, DaoError> {
                let rows = match after {
                    None => db.query(#page_first, &[&limit]).await?,
                    Some(key) => db.query(#page_after_sql, &[#(&key.#key_idx,)* &limit]).await?,
                };
                rows.iter().map(#row::from_row).collect()
            }

            #[doc = #each_doc]
            pub async fn for_each_page(db: &impl GenericClient, page_size: i64, mut visit: impl FnMut(::std::vec::Vec<#row>)) -> ::std::result::Result<(), DaoError> {
                let mut after = None;
                loop {
                    let page = Self::page_after(db, after.as_ref(), page_size).await?;
                    let last = page.last().map(#row::key);
                    let done = (page.len() as i64) < page_size;
                    if !page.is_empty() {
                        visit(page);
                    }
                    match last {
                        Some(key) if !done => after = Some(key),
                        _ => return Ok(()),
                    }
                }
            }

            #[doc = #insert_doc]
            pub async fn insert(db: &impl GenericClient, #insert_by_param form: &#form) -> ::std::result::Result<#row, DaoError> {
                form.check()?;
                #insert_by_check
                #hash_let
                let row = db.query_one(#insert_sql, &[#(#insert_vals),*]).await?;
                #row::from_row(&row)
            }

            #[doc = #batch_doc]
            pub async fn insert_batch(db: &impl GenericClient, #insert_by_param forms: &[#form]) -> ::std::result::Result<u64, DaoError> {
                #insert_by_check
                for form in forms {
                    form.check()?;
                }
                #batch_prelude
                let statement = db.prepare(#insert_batch_sql).await?;
                let writes = #each_form.map(|#each_pat| db.execute_raw(&statement, [#(#vals_batch),*]));
                Ok(::apigen_runtime::dao::pipeline(writes).await?.iter().sum())
            }

            #update_fn

            #upserts

            #[doc = #delete_doc]
            pub async fn #delete_by_pk(db: &impl GenericClient, #delete_by #(#pk_args),*) -> ::std::result::Result<u64, DaoError> {
                #delete_check
                Ok(db.execute(#delete_sql, &[#(#delete_binds),*]).await?)
            }
        }
    }
}
