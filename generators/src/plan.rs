//! Planning: which generators run for which services of an app, and which files that makes. A
//! pure function of the IR and the app's settings, so that it is tested without a file system;
//! the binary compares the plan with the disk and writes it.

use std::collections::BTreeSet;

use compiler::ir::{Ir, ServiceId, SourceFormat};

use askama::Template as _;

use crate::{File, GenerateError, Generator, Settings};

/// What one app asks for, as `apigen.toml` says it.
#[derive(Debug, Clone, Default)]
pub struct App {
    pub name: String,
    /// Keys of the services the app serves: every generator asked for runs on them.
    pub services: Vec<String>,
    /// Keys of the services the app calls: their models, API traits and client.
    pub clients: Vec<String>,
    /// Generator names, as written.
    pub generators: Vec<String>,
    /// Keys of the services holding the app's tables (its migrations' services), when they are
    /// not among `services`: with the `dao` generator, each gets its DAO and nothing else.
    pub tables: Vec<String>,
    /// The app's migrations, when it has them and asks for the DAO: a `migrations.rs` lists them
    /// for `apigen_runtime::dao::migrate`.
    pub migrations: Option<Migrations>,
    pub settings: Settings,
}

/// The migrations of an app, as `apigen update` finds them (and the one it is about to write).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrations {
    /// The app's name: the database records its migrations under it.
    pub app: String,
    /// Their folder as seen from the output folder (`../../migrations`), with `/`.
    pub dir: String,
    /// Their file names (`0001_create_users.sql`), in version order.
    pub files: Vec<String>,
}

/// One file of the plan, and the generator that makes it (`mod` for module files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub generator: String,
    pub file: File,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("app `{app}`: unknown generator `{name}`{hint}; known generators: {known}")]
    UnknownGenerator { app: String, name: String, known: String, hint: String },
    #[error("app `{app}`: no service with key `{key}` in the spec repository (services: {known}){hint}")]
    UnknownService { app: String, key: String, known: String, hint: String },
    /// Not `#[source]`: the message says it, so a report that prints the error chain says it once.
    #[error("app `{app}`: {error}")]
    Generate { app: String, error: GenerateError },
    #[error(
        "app `{app}` asks for the `dao` generator, but none of its services has tables: give models a `psql` attribute, or name the services holding them in `[apps.{app}.migrations] services`"
    )]
    NoTables { app: String },
}

/// Every file the app's output folder should hold, paths relative to it, sorted by path: for
/// each service it needs (its own, the ones it calls, and everything they import) a folder of
/// modules, and a `mod.rs` naming them.
pub fn plan(ir: &Ir, app: &App) -> Result<Vec<Planned>, PlanError> {
    let mut generators = Vec::new();
    for g in &app.generators {
        match Generator::parse(g) {
            Some(g) => generators.push(g),
            None => {
                let known: Vec<&str> = Generator::ALL.iter().map(|g| g.as_str()).collect();
                let hint = compiler::closest(g, known.iter().copied())
                    .map_or(String::new(), |k| format!(" (did you mean `{k}`?)"));
                return Err(PlanError::UnknownGenerator {
                    app: app.name.clone(),
                    name: g.clone(),
                    known: known.join(", "),
                    hint,
                });
            }
        }
    }
    let defined = |s: &&compiler::ir::Service| s.format != SourceFormat::ImportSummary;
    let find = |key: &str| -> Result<ServiceId, PlanError> {
        match ir.service_by_key(key) {
            Some(s) if defined(&ir.service(s)) => Ok(s),
            _ => {
                let known: Vec<&str> = ir.services.iter().filter(defined).map(|s| s.key.as_str()).collect();
                // A service named in the spec by its `name` rather than its key is the usual slip.
                // Else a typo of a key.
                let by_name = ir.services.iter().filter(defined).find(|s| s.name.eq_ignore_ascii_case(key));
                let suggestion =
                    by_name.map(|s| s.key.as_str()).or_else(|| compiler::closest(key, known.iter().copied()));
                let hint = suggestion.map_or(String::new(), |k| format!("; did you mean `{k}`?"));
                Err(PlanError::UnknownService {
                    app: app.name.clone(),
                    key: key.to_string(),
                    known: known.join(", "),
                    hint,
                })
            }
        }
    };
    let roots: Vec<ServiceId> = app.services.iter().map(|k| find(k)).collect::<Result<_, _>>()?;
    let called: Vec<ServiceId> = app.clients.iter().map(|k| find(k)).collect::<Result<_, _>>()?;
    let dao = generators.contains(&Generator::Dao);
    // The data tier's services: only their DAO, and only when it is asked for.
    let data: Vec<ServiceId> = if dao {
        app.tables
            .iter()
            .map(|k| find(k))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|s| !roots.contains(s))
            .collect()
    } else {
        Vec::new()
    };
    // The services the app needs: its own, and everything they import, transitively.
    let mut needed: BTreeSet<ServiceId> = BTreeSet::new();
    let mut stack: Vec<ServiceId> = roots.iter().chain(&called).copied().collect();
    while let Some(s) = stack.pop() {
        if needed.insert(s) {
            stack.extend(ir.service(s).imports.iter().filter_map(|i| i.service));
        }
    }
    // Which generators run for each service, decided before anything is generated.
    let mut jobs: Vec<(ServiceId, Vec<Generator>)> = Vec::new();
    for &s in &needed {
        // A service known only from an import summary gets its type names, as raw JSON.
        let mut wanted: BTreeSet<Generator> = BTreeSet::from([Generator::Models]);
        if roots.contains(&s) {
            wanted.extend(generators.iter().copied());
        }
        if called.contains(&s) {
            wanted.insert(Generator::Client);
            // Calling a service and consuming its events go together.
            if generators.contains(&Generator::Events) {
                wanted.insert(Generator::Events);
            }
        }
        wanted.extend(wanted.clone().iter().flat_map(|g| g.needs().iter().copied()));
        wanted.retain(|g| crate::applies(ir, s, *g));
        jobs.push((s, wanted.into_iter().collect()));
    }
    for &s in &data {
        if !crate::applies(ir, s, Generator::Dao) {
            continue;
        }
        match jobs.iter_mut().find(|(j, _)| *j == s) {
            // A data service the app's services import has its models already.
            Some((_, gs)) if !gs.contains(&Generator::Dao) => gs.push(Generator::Dao),
            Some(_) => {}
            None => jobs.push((s, vec![Generator::Dao])),
        }
    }
    jobs.sort_by_key(|(s, _)| *s);
    if dao && !jobs.iter().any(|(_, gs)| gs.contains(&Generator::Dao)) {
        return Err(PlanError::NoTables { app: app.name.clone() });
    }
    let generated = generate(ir, app, &jobs).map_err(|error| PlanError::Generate { app: app.name.clone(), error })?;
    let mut out = Vec::new();
    let mut modules = Vec::new();
    let mut results = generated.into_iter();
    for (s, gs) in &jobs {
        let module = crate::rust::module_ident(&ir.service(*s).key).to_string();
        for g in gs {
            let file = results.next().expect("one file per job");
            out.push(Planned { generator: g.as_str().to_string(), file });
        }
        let names: Vec<String> = gs.iter().map(|g| g.as_str().to_string()).collect();
        out.push(Planned { generator: "mod".into(), file: crate::module_file(&format!("{module}/mod.rs"), &names) });
        modules.push(module);
    }
    if let Some(m) = app.migrations.as_ref().filter(|_| dao) {
        out.push(Planned { generator: "migrations".into(), file: migrations_file(m) });
        modules.push("migrations".into());
    }
    out.push(Planned { generator: "mod".into(), file: crate::module_file("mod.rs", &modules) });
    out.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    Ok(out)
}

/// `migrations.rs`: every migration of the app, its SQL included from the migrations folder.
fn migrations_file(m: &Migrations) -> File {
    let mut items = String::new();
    for file in &m.files {
        let stem = file.strip_suffix(".sql").unwrap_or(file);
        let (number, name) = stem.split_once('_').unwrap_or((stem, ""));
        let version: u32 = number.parse().unwrap_or_default();
        items.push_str(&format!(
            "    Migration {{ version: {version}, name: {name:?}, sql: include_str!({:?}) }},\n",
            format!("{}/{file}", m.dir)
        ));
    }
    let contents = format!(
        "{}\n\n//! The app's PostgreSQL migrations in order, their SQL part of the binary: `apigen update`\n\
         //! writes them to `{}`, and `apigen_runtime::dao::migrate` applies those a\n\
         //! database lacks: `migrate(client, APP, MIGRATIONS)`.\n\n\
         use ::apigen_runtime::dao::Migration;\n\n\
         /// Whose migrations these are: the key of their rows in `public.apigen_migrations`.\n\
         pub const APP: &str = {:?};\n\n\
         pub const MIGRATIONS: &[Migration] = &[\n{items}];\n",
        crate::HEADER,
        m.dir,
        m.app
    );
    File { path: "migrations.rs".into(), kind: crate::FileKind::Rust, contents }
}

/// How an app's files become a crate of their own (`apigen generate`, or `crate = "name"` in
/// apigen.toml): the modules under `src/`, a `src/lib.rs`, and a Cargo.toml naming exactly the
/// dependencies the generated code uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateSpec {
    pub name: String,
    /// Where `apigen-runtime` comes from, as a Cargo dependency's table without its features:
    /// `path = "../runtime"` or `version = "0.1"`.
    pub runtime: String,
    /// Adds an empty `[workspace]`, so the crate builds on its own wherever it is written.
    pub standalone: bool,
}

/// The dependencies generated code may name: the crate, the path it is named by in generated
/// code, and how to depend on it. A generated crate's Cargo.toml lists those whose path
/// (`::axum::`) occurs in some generated file.
pub const DEPENDENCIES: &[(&str, &str, &str)] = &[
    (
        "axum",
        "::axum::",
        r#"{ version = "0.8", default-features = false, features = ["http1", "json", "query", "tokio"] }"#,
    ),
    ("chrono", "::chrono::", r#"{ version = "0.4", default-features = false, features = ["serde", "std"] }"#),
    ("reqwest", "::reqwest::", r#"{ version = "0.13", default-features = false }"#),
    (
        "rust_decimal",
        "::rust_decimal::",
        r#"{ version = "1", default-features = false, features = ["serde-float", "std"] }"#,
    ),
    ("serde", "::serde::", r#"{ version = "1", features = ["derive"] }"#),
    ("serde_json", "::serde_json::", r#""1""#),
    ("uuid", "::uuid::", r#"{ version = "1", features = ["serde"] }"#),
];

/// Turns a plan into a crate: every file moves under `src/`, the top `mod.rs` becomes
/// `src/lib.rs`, and `Cargo.toml` is added. Sorted by path, like a plan.
pub fn into_crate(files: Vec<Planned>, spec: &CrateSpec) -> Result<Vec<Planned>, GenerateError> {
    let rust: String =
        files.iter().filter(|p| p.file.kind == crate::FileKind::Rust).map(|p| p.file.contents.as_str()).collect();
    let mut features = Vec::new();
    if files.iter().any(|p| p.generator == "server") {
        features.push("\"server\"");
    }
    if files.iter().any(|p| p.generator == "client") {
        features.push("\"client\"");
    }
    if files.iter().any(|p| p.generator == "dao") {
        features.push("\"dao\"");
    }
    if files.iter().any(|p| p.generator == "events") {
        features.push("\"events\"");
    }
    let deps: Vec<(&str, &str)> =
        DEPENDENCIES.iter().filter(|(_, path, _)| rust.contains(path)).map(|(name, _, how)| (*name, *how)).collect();
    let cargo = CargoToml {
        header: crate::FileKind::Toml.header(),
        name: &spec.name,
        runtime: &spec.runtime,
        features: features.join(", "),
        deps,
        standalone: spec.standalone,
    }
    .render()
    .map_err(|e| GenerateError::Template { template: "Cargo.toml", message: e.to_string() })?;
    let mut out: Vec<Planned> = files
        .into_iter()
        .map(|mut p| {
            if p.file.path == "mod.rs" {
                let body = p.file.contents.strip_prefix(crate::HEADER).unwrap_or(&p.file.contents).trim_start();
                p.file.contents = format!(
                    "{}\n\n//! The code apigen generates for `{}`: one module per service.\n\n{body}",
                    crate::HEADER,
                    spec.name
                );
                p.file.path = "src/lib.rs".into();
            } else {
                p.file.path = format!("src/{}", p.file.path);
            }
            // One folder deeper: the migrations are included from `src/`.
            if p.generator == "migrations" {
                p.file.contents = p.file.contents.replace("include_str!(\"", "include_str!(\"../");
            }
            p
        })
        .collect();
    out.push(Planned {
        generator: "crate".into(),
        file: File { path: "Cargo.toml".into(), kind: crate::FileKind::Toml, contents: cargo },
    });
    out.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    Ok(out)
}

/// The crate's manifest (`templates/Cargo.toml`): files that are not Rust come from templates.
#[derive(askama::Template)]
#[template(path = "Cargo.toml", escape = "none")]
struct CargoToml<'a> {
    header: &'a str,
    name: &'a str,
    runtime: &'a str,
    features: String,
    deps: Vec<(&'a str, &'a str)>,
    standalone: bool,
}

/// Every file of the jobs, in order. Each file is checked and cut into parts here; the parts of
/// all files are then rendered and formatted on every core (one large service's files dominate
/// a run, and they are far from equal in size), each worker under the app's settings.
fn generate(ir: &Ir, app: &App, jobs: &[(ServiceId, Vec<Generator>)]) -> Result<Vec<File>, GenerateError> {
    let settings = || crate::rust::ParsedSettings::parse(&app.settings);
    let prepared: Vec<crate::Prepared<'_>> = crate::rust::with_settings(settings()?, || {
        jobs.iter().flat_map(|(s, gs)| gs.iter().map(move |g| crate::prepare(ir, *s, *g))).collect::<Result<_, _>>()
    })?;
    let parts: Vec<(&crate::Prepared<'_>, &crate::Part<'_>)> =
        prepared.iter().flat_map(|file| file.parts.iter().map(move |p| (file, p))).collect();
    let texts = parallel(
        &parts,
        |work| crate::rust::with_settings(settings().expect("parsed above"), work),
        |(file, p)| crate::render_part(p, file),
    );
    let mut texts = texts.into_iter();
    prepared
        .iter()
        .map(|file| Ok(file.finish(texts.by_ref().take(file.parts.len()).collect::<Result<_, _>>()?)))
        .collect()
}

/// Runs `f` on every item on all available cores, keeping the items' order; each worker runs
/// its whole loop inside `around` (which sets up what `f` needs on that thread).
fn parallel<T: Sync, R: Send>(
    items: &[T],
    around: impl Fn(&mut dyn FnMut()) + Sync,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        around(&mut || {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                mine.push((i, f(item)));
            }
        });
        mine
    };
    let mut results: Vec<(usize, R)> = if threads <= 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            workers.into_iter().flat_map(|w| w.join().expect("a generator thread panicked")).collect()
        })
    };
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(specs: &[(&str, &str)], config: &compiler::Config) -> Ir {
        let inputs =
            specs.iter().map(|(n, t)| compiler::Input { name: n.to_string(), bytes: t.as_bytes().to_vec() }).collect();
        let c = compiler::compile(inputs, config, &mut compiler::NoLoader);
        assert!(!c.has_errors(), "{:?}", c.diagnostics);
        c.ir
    }

    fn ir(specs: &[(&str, &str)]) -> Ir {
        compiled(specs, &compiler::Config::default())
    }

    /// Imports by apibuilder URL need the organization's namespace.
    fn with_namespace(specs: &[(&str, &str)]) -> Ir {
        compiled(specs, &compiler::Config { organization_namespace: Some("com.acme".into()), ..Default::default() })
    }

    const COMMON: &str =
        r#"{"name": "common", "models": {"money": {"fields": [{"name": "amount", "type": "decimal"}]}}}"#;
    const SHOP: &str = r#"{"name": "shop", "imports": [{"uri": "common.json"}],
        "models": {"order": {"fields": [{"name": "id", "type": "string"}, {"name": "total", "type": "com.acme.common.v0.models.money"}]}},
        "resources": {"order": {"operations": [{"method": "GET", "path": "/:id", "responses": {"200": {"type": "order"}}}]}}}"#;

    fn paths(plan: &[Planned]) -> Vec<&str> {
        plan.iter().map(|p| p.file.path.as_str()).collect()
    }

    fn app(services: &[&str], clients: &[&str], generators: &[&str]) -> App {
        App {
            name: "app".into(),
            services: services.iter().map(|s| s.to_string()).collect(),
            clients: clients.iter().map(|s| s.to_string()).collect(),
            generators: generators.iter().map(|s| s.to_string()).collect(),
            ..App::default()
        }
    }

    #[test]
    fn a_server_app_gets_every_layer_and_its_imports_get_models() {
        let ir = with_namespace(&[("common.json", COMMON), ("shop.json", SHOP)]);
        let plan = plan(&ir, &app(&["shop"], &[], &["server"])).unwrap();
        assert_eq!(
            paths(&plan),
            [
                "common/mod.rs",
                "common/models.rs",
                "mod.rs",
                "shop/api.rs",
                "shop/mod.rs",
                "shop/models.rs",
                "shop/server.rs"
            ]
        );
        assert!(plan.iter().all(|p| p.file.kind == crate::FileKind::Rust));
    }

    #[test]
    fn a_called_service_gets_its_client() {
        let ir = with_namespace(&[("common.json", COMMON), ("shop.json", SHOP)]);
        let plan = plan(&ir, &app(&["common"], &["shop"], &["models"])).unwrap();
        assert_eq!(
            paths(&plan),
            [
                "common/mod.rs",
                "common/models.rs",
                "mod.rs",
                "shop/api.rs",
                "shop/client.rs",
                "shop/mod.rs",
                "shop/models.rs"
            ]
        );
    }

    #[test]
    fn a_service_without_operations_gets_models_only() {
        let ir = ir(&[("common.json", COMMON)]);
        let plan = plan(&ir, &app(&["common"], &[], &["models", "server", "client", "mock"])).unwrap();
        assert_eq!(paths(&plan), ["common/mod.rs", "common/models.rs", "mod.rs"]);
    }

    #[test]
    fn unknown_names_are_errors_with_what_is_known() {
        let ir = ir(&[("common.json", COMMON)]);
        let e = plan(&ir, &app(&["common"], &[], &["modles"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "app `app`: unknown generator `modles` (did you mean `models`?); known generators: models, api, server, client, mock, dao, events"
        );
        let ir = self::ir(&[("api.json", r#"{"name": "API Service", "key": "api", "models": {}}"#)]);
        let e = plan(&ir, &app(&["API Service"], &[], &["models"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "app `app`: no service with key `API Service` in the spec repository (services: api); did you mean `api`?"
        );
        let e = plan(&ir, &app(&["apii"], &[], &["models"])).unwrap_err();
        assert!(e.to_string().ends_with("(services: api); did you mean `api`?"), "{e}");
        let e = plan(&ir, &app(&["billing"], &[], &["models"])).unwrap_err();
        assert!(e.to_string().ends_with("(services: api)"), "no suggestion when nothing is close: {e}");
    }

    #[test]
    fn a_crate_names_exactly_the_dependencies_its_code_uses() {
        let ir = with_namespace(&[("common.json", COMMON), ("shop.json", SHOP)]);
        let spec = CrateSpec { name: "shop-api".into(), runtime: r#"path = "../runtime""#.into(), standalone: true };
        let files = into_crate(plan(&ir, &app(&["shop"], &[], &["client"])).unwrap(), &spec).unwrap();
        assert_eq!(
            paths(&files),
            [
                "Cargo.toml",
                "src/common/mod.rs",
                "src/common/models.rs",
                "src/lib.rs",
                "src/shop/api.rs",
                "src/shop/client.rs",
                "src/shop/mod.rs",
                "src/shop/models.rs"
            ]
        );
        let cargo = &files[0].file.contents;
        assert!(cargo.starts_with("# @generated") && cargo.contains("name = \"shop-api\""), "{cargo}");
        assert!(cargo.contains(r#"apigen-runtime = { path = "../runtime", features = ["client"] }"#), "{cargo}");
        assert!(
            cargo.contains("reqwest = ") && cargo.contains("rust_decimal = ") && cargo.contains("serde = "),
            "{cargo}"
        );
        assert!(!cargo.contains("axum") && !cargo.contains("uuid") && !cargo.contains("chrono"), "{cargo}");
        assert!(cargo.ends_with("[workspace]\n"), "{cargo}");
        let lib = &files[3].file.contents;
        assert!(
            lib.starts_with(crate::HEADER) && lib.contains("pub mod shop;") && lib.contains("//! The code"),
            "{lib}"
        );
    }

    const TABLES: &str = r#"{"name": "shop dao", "attributes": [{"name": "psql", "value": {"pkey": "id"}}],
        "models": {"order": {"fields": [{"name": "id", "type": "string"}],
            "attributes": [{"name": "psql", "value": {}}]}}}"#;

    #[test]
    fn the_data_tier_gets_its_dao_and_the_migrations_their_list() {
        let ir = ir(&[("common.json", COMMON), ("shop-dao.json", TABLES)]);
        let mut a = app(&["common"], &[], &["models", "dao"]);
        a.tables = vec!["shop-dao".into()];
        let migrations =
            Migrations { app: "app".into(), dir: "../migrations".into(), files: vec!["0001_create_orders.sql".into()] };
        a.migrations = Some(migrations.clone());
        let planned = plan(&ir, &a).unwrap();
        assert_eq!(
            paths(&planned),
            ["common/mod.rs", "common/models.rs", "migrations.rs", "mod.rs", "shop_dao/dao.rs", "shop_dao/mod.rs"]
        );
        let list = &planned[2].file.contents;
        assert!(
            list.contains(
                r#"Migration { version: 1, name: "create_orders", sql: include_str!("../migrations/0001_create_orders.sql") }"#
            ),
            "{list}"
        );
        assert!(planned[3].file.contents.contains("pub mod migrations;"));
        // As a crate, the list is one folder deeper and the runtime needs its DAO feature.
        let spec = CrateSpec { name: "shop".into(), runtime: r#"path = "../runtime""#.into(), standalone: true };
        let files = into_crate(planned, &spec).unwrap();
        let list = files.iter().find(|p| p.file.path == "src/migrations.rs").unwrap();
        assert!(list.file.contents.contains(r#"include_str!("../../migrations/0001_create_orders.sql")"#));
        assert!(files[0].file.contents.contains(r#""dao""#), "{}", files[0].file.contents);
        // Without the `dao` generator, neither.
        let mut a = app(&["common"], &[], &["models"]);
        a.tables = vec!["shop-dao".into()];
        a.migrations = Some(migrations);
        assert_eq!(paths(&plan(&ir, &a).unwrap()), ["common/mod.rs", "common/models.rs", "mod.rs"]);
        // Asking for a DAO where there are no tables is a mistake, said so.
        let e = plan(&ir, &app(&["common"], &[], &["dao"])).unwrap_err();
        assert!(matches!(e, PlanError::NoTables { .. }), "{e}");
    }

    /// Parts rendered on every core make the same files as each file generated alone, in order.
    #[test]
    fn parts_rendered_in_parallel_make_the_files_generated_alone() {
        let ir = with_namespace(&[("common.json", COMMON), ("shop.json", SHOP)]);
        let planned = plan(&ir, &app(&["shop"], &[], &["server", "client", "mock"])).unwrap();
        let shop = ir.service_by_key("shop").unwrap();
        for g in Generator::ALL.iter().filter(|g| crate::applies(&ir, shop, **g)) {
            let alone = crate::generate(&ir, shop, *g).unwrap();
            let p = planned.iter().find(|p| p.file.path == alone.path).unwrap();
            assert_eq!(p.file, alone);
        }
        // Order is kept, and each worker sets up once around all the items it takes.
        let items: Vec<u32> = (0..500).collect();
        let setups = std::sync::atomic::AtomicUsize::new(0);
        let around = |work: &mut dyn FnMut()| {
            setups.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            work()
        };
        assert_eq!(parallel(&items, around, |i| i * 2), items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(setups.into_inner(), threads.min(items.len()));
    }
}
