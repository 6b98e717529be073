//! Semantic validation over the resolved IR: apibuilder's `ServiceSpecValidator` and
//! `TypeValidator` rules, each reported under its own code on the element at fault.
//!
//! Services known only from an import summary are never validated: their types have names but
//! no definitions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostic::{Code, Diagnostic};
use crate::ir::*;
use crate::names;
use crate::source::Loc;

struct V<'a> {
    ir: &'a Ir,
    map: &'a SourceMap,
    diags: &'a mut Vec<Diagnostic>,
    /// The unions of each cycle reported, so that a cycle is reported once, not once per union.
    cycles: BTreeSet<Vec<UnionId>>,
    /// A discriminator that is reserved or not a name: as apibuilder does, the checks of
    /// discriminator names and values that would follow from it are not made.
    bad_discriminator: bool,
    /// Validating an OpenAPI service: names compare exactly (they are wire names, and
    /// `someId` and `some_id` are two), and apibuilder's own conventions do not apply.
    openapi: bool,
}

pub(crate) fn validate(ir: &Ir, map: &SourceMap, diags: &mut Vec<Diagnostic>) {
    let mut v = V { ir, map, diags, cycles: BTreeSet::new(), bad_discriminator: false, openapi: false };
    for sid in ir.service_ids() {
        if ir.service(sid).format == SourceFormat::ImportSummary {
            continue;
        }
        v.openapi = ir.service(sid).format == SourceFormat::OpenApi;
        v.service(sid);
    }
    v.openapi = false;
    if !v.bad_discriminator {
        v.union_memberships();
    }
    for sid in ir.service_ids().filter(|s| ir.service(*s).format != SourceFormat::ImportSummary) {
        v.events(sid);
    }
}

impl V<'_> {
    /// Event unions whose members generators could not produce or consume (W0211, W0212).
    fn events(&mut self, sid: ServiceId) {
        use crate::events::Problem;
        for p in crate::events::unions(self.ir, sid).1 {
            let (union, member, subject, code) = match &p {
                Problem::UpsertedWithoutSubject { union, member, subject } => (*union, *member, subject, Code::W0211),
                Problem::DeletedWithoutKey { union, member, subject } => (*union, *member, subject, Code::W0212),
            };
            let name = self.ir.union(union).members[member].type_name.clone();
            let (message, label) = match code {
                Code::W0211 => (
                    format!("`{name}` carries no `{subject}`: an upserted event needs a field of model `{subject}`"),
                    "no field of type `".to_string() + subject + "`",
                ),
                _ => (
                    format!("`{name}` says neither which `{subject}` was deleted (`id` or `guid`) nor carries it"),
                    "no key and no `".to_string() + subject + "`",
                ),
            };
            let help = match code {
                Code::W0211 => format!("add `{{ \"name\": \"{subject}\", \"type\": \"{subject}\" }}` to `{name}`"),
                _ => format!(
                    "add `{{ \"name\": \"id\", \"type\": \"string\" }}` to `{name}`, or a field of type `{subject}`"
                ),
            };
            if let Some(d) = self.emit(Site::UnionMember(union, member), code, message, &label) {
                d.help = Some(help);
            }
        }
    }

    fn emit(&mut self, node: Site, code: Code, message: String, label: &str) -> Option<&mut Diagnostic> {
        let loc = self.map.get(node)?;
        self.diags.push(Diagnostic::at(code, loc, message, label));
        self.diags.last_mut()
    }

    fn loc(&self, node: Site) -> Option<Loc> {
        self.map.get(node)
    }

    /// Whether a service was written in one of apibuilder's formats: rules that are apibuilder's
    /// choices rather than HTTP's (one success type, defaults only on required parameters) apply
    /// only there.
    fn apibuilder(&self, sid: ServiceId) -> bool {
        matches!(self.ir.service(sid).format, SourceFormat::ApiJson | SourceFormat::ServiceJson)
    }

    fn service(&mut self, sid: ServiceId) {
        let ir = self.ir;
        let s = ir.service(sid);
        if !s.name.is_empty() && !s.name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            self.emit(
                Site::ServiceName(sid),
                Code::E0013,
                format!("service name `{}` must start with a letter", s.name),
                "invalid name",
            );
        }
        self.unique_type_names(sid);
        // Headers.
        self.duplicates(s.headers.iter().enumerate().map(|(i, h)| (h.name.clone(), Site::Header(sid, i))), "header");
        for (i, h) in s.headers.iter().enumerate() {
            self.header(h, Site::Header(sid, i));
        }
        // Annotations.
        self.duplicates(
            s.annotations.iter().enumerate().map(|(i, a)| (a.name.clone(), Site::Annotation(sid, i))),
            "annotation",
        );
        let mut known_annotations: BTreeSet<&str> = s.annotations.iter().map(|a| a.name.as_str()).collect();
        for import in &s.imports {
            if let Some(t) = import.service {
                known_annotations.extend(ir.service(t).annotations.iter().map(|a| a.name.as_str()));
            }
        }
        for &id in &s.enums {
            self.enum_(id);
        }
        for &id in &s.interfaces {
            let i = ir.interface(id);
            let what = format!("interface `{}`", i.name);
            self.fields(
                &i.fields,
                &what,
                &known_annotations,
                |k| Site::InterfaceField(id, k),
                |k| Site::InterfaceFieldType(id, k),
            );
        }
        for &id in &s.models {
            let m = ir.model(id);
            let what = format!("model `{}`", m.name);
            self.fields(&m.fields, &what, &known_annotations, |k| Site::Field(id, k), |k| Site::FieldType(id, k));
            self.model_interfaces(id);
        }
        for &id in &s.unions {
            self.union(id);
        }
        self.duplicates(
            s.resources.iter().map(|r| (ir.resource(*r).plural.clone(), Site::Resource(*r))),
            "resource with plural",
        );
        for &id in s.resources.iter().chain(&s.webhooks) {
            self.resource(id);
        }
    }

    /// Reports names that repeat (compared as apibuilder does) under `kind`.
    fn duplicates(&mut self, items: impl Iterator<Item = (String, Site)>, kind: &str) {
        let mut seen: HashMap<String, (String, Site)> = HashMap::new();
        for (name, node) in items {
            let key = if self.openapi { name.clone() } else { names::normalize(&name) };
            match seen.get(&key) {
                Some((first_name, first)) => {
                    let first_loc = self.loc(*first);
                    let same = first_name == &name;
                    let msg = if same {
                        format!("{kind} `{name}` appears more than once")
                    } else {
                        format!("{kind} `{name}` appears more than once (as `{first_name}`)")
                    };
                    if let Some(d) = self.emit(node, Code::E0025, msg, "duplicate") {
                        if let Some(l) = first_loc {
                            d.secondary.push(crate::Label { loc: l, message: "first defined here".into() });
                        }
                        if !same {
                            d.help = Some(
                                "names are compared ignoring case and camelCase/snake_case, as apibuilder does".into(),
                            );
                        }
                    }
                }
                None => {
                    seen.insert(key, (name, node));
                }
            }
        }
    }

    /// Within one kind, names compare as apibuilder's `DuplicateErrorMessage` compares them
    /// (`some_user` is `someUser`); across kinds, as its `TypesUniqueValidator` does, by lower case.
    fn unique_type_names(&mut self, sid: ServiceId) {
        let ir = self.ir;
        let s = ir.service(sid);
        self.duplicates(s.enums.iter().map(|id| (ir.enum_(*id).name.clone(), Site::Enum(*id))), "enum");
        self.duplicates(s.models.iter().map(|id| (ir.model(*id).name.clone(), Site::Model(*id))), "model");
        self.duplicates(s.unions.iter().map(|id| (ir.union(*id).name.clone(), Site::Union(*id))), "union");
        self.duplicates(
            s.interfaces.iter().map(|id| (ir.interface(*id).name.clone(), Site::Interface(*id))),
            "interface",
        );
        let mut by_name: BTreeMap<String, Vec<(&str, Site, &str)>> = BTreeMap::new();
        for &id in &s.enums {
            by_name.entry(ir.enum_(id).name.trim().to_lowercase()).or_default().push((
                "an enum",
                Site::Enum(id),
                &ir.enum_(id).name,
            ));
        }
        for &id in &s.models {
            by_name.entry(ir.model(id).name.trim().to_lowercase()).or_default().push((
                "a model",
                Site::Model(id),
                &ir.model(id).name,
            ));
        }
        for &id in &s.unions {
            by_name.entry(ir.union(id).name.trim().to_lowercase()).or_default().push((
                "a union type",
                Site::Union(id),
                &ir.union(id).name,
            ));
        }
        for &id in &s.interfaces {
            by_name.entry(ir.interface(id).name.trim().to_lowercase()).or_default().push((
                "an interface",
                Site::Interface(id),
                &ir.interface(id).name,
            ));
        }
        for (_, entries) in by_name {
            // Names of one kind are compared above.
            if entries.iter().all(|(k, _, _)| *k == entries[0].0) {
                continue;
            }
            // A union may share its name with an interface it lists.
            let allowed_pair = entries.len() == 2
                && entries.iter().any(|(_, n, _)| matches!(n, Site::Interface(_)))
                && entries.iter().any(|(_, n, _)| match n {
                    Site::Union(u) => ir
                        .union(*u)
                        .interfaces
                        .iter()
                        .any(|i| ir.interface(*i).name.eq_ignore_ascii_case(&ir.union(*u).name)),
                    _ => false,
                });
            if allowed_pair {
                continue;
            }
            let kinds: Vec<&str> = entries.iter().map(|(k, _, _)| *k).collect();
            let (_, node, name) = entries[entries.len() - 1];
            let msg = if kinds.iter().all(|k| *k == kinds[0]) {
                format!(
                    "{} `{name}` appears more than once",
                    kinds[0].trim_start_matches("an ").trim_start_matches("a ")
                )
            } else {
                let mut uniq: Vec<&str> = kinds.clone();
                uniq.dedup();
                format!("name `{name}` cannot be used as the name of both {}", join_and(&uniq))
            };
            let first = self.loc(entries[0].1);
            if let Some(d) = self.emit(node, Code::E0025, msg, "duplicate type name") {
                if let Some(l) = first {
                    d.secondary.push(crate::Label { loc: l, message: "first defined here".into() });
                }
                if entries.iter().any(|(_, n, _)| matches!(n, Site::Union(_)))
                    && entries.iter().any(|(_, n, _)| matches!(n, Site::Interface(_)))
                {
                    d.help = Some(
                        "list the interface in the union's `interfaces` to declare that the union extends it".into(),
                    );
                }
            }
        }
    }

    fn enum_(&mut self, id: EnumId) {
        let e = self.ir.enum_(id);
        if e.values.is_empty() {
            self.emit(
                Site::Enum(id),
                Code::E0034,
                format!("enum `{}` must have at least one value", e.name),
                "no values",
            );
        }
        let what = format!("value of enum `{}`", e.name);
        self.duplicates(e.values.iter().enumerate().map(|(i, v)| (v.name.clone(), Site::EnumValue(id, i))), &what);
        // Wire values are compared like names; a pair already reported as equal names is skipped.
        let wire = format!("wire value of enum `{}`", e.name);
        let openapi = self.openapi;
        let key = |name: &str| if openapi { name.to_string() } else { names::normalize(name) };
        let keys: Vec<String> = e.values.iter().map(|v| key(&v.name)).collect();
        let mut counts: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
        for k in &keys {
            *counts.entry(k.as_str()).or_default() += 1;
        }
        let explicit = e.values.iter().enumerate().filter(|(i, _)| counts[keys[*i].as_str()] == 1);
        self.duplicates(explicit.map(|(i, v)| (v.value.clone(), Site::EnumValue(id, i))), &wire);
    }

    fn fields(
        &mut self,
        fields: &[Field],
        owner: &str,
        annotations: &BTreeSet<&str>,
        node: impl Fn(usize) -> Site,
        type_node: impl Fn(usize) -> Site,
    ) {
        self.duplicates(
            fields.iter().enumerate().map(|(i, f)| (f.name.clone(), node(i))),
            &format!("field of {owner}"),
        );
        for (i, f) in fields.iter().enumerate() {
            let what = format!("field `{}` of {owner}", f.name);
            if matches!(f.ty.innermost(), Type::Interface(_)) {
                let name = self.ir.type_name(f.ty.innermost(), ServiceId(u32::MAX));
                if let Some(d) = self.emit(
                    type_node(i),
                    Code::E0033,
                    format!("type `{name}` of {what} is an interface and cannot be used as a field type"),
                    "interface",
                ) {
                    d.help = Some("use the specific model you need, or a union type".into());
                }
            }
            self.default_and_range(&f.ty, f.presence.default(), &f.constraints, &what, node(i));
            let mut seen = BTreeSet::new();
            for a in &f.annotations {
                if !seen.insert(a) {
                    self.emit(
                        node(i),
                        Code::E0025,
                        format!("annotation `{a}` of {what} appears more than once"),
                        "duplicate annotation",
                    );
                } else if !annotations.contains(a.as_str())
                    && let Some(d) = self.emit(
                        node(i),
                        Code::E0030,
                        format!("annotation `{a}` of {what} is not defined"),
                        "undefined annotation",
                    )
                {
                    d.help = Some(format!(
                        "declare it under `annotations` (\"{a}\": {{\"description\": \"...\"}}) or import a spec that does"
                    ));
                }
            }
        }
    }

    /// Default value, minimum/maximum and the default's place in that range.
    fn default_and_range(
        &mut self,
        ty: &Type,
        default: Option<&Literal>,
        constraints: &Constraints,
        what: &str,
        node: Site,
    ) {
        let pairs = [
            (constraints.length.min.map(|n| n as f64), constraints.length.max.map(|n| n as f64)),
            (constraints.items.min.map(|n| n as f64), constraints.items.max.map(|n| n as f64)),
            (constraints.value.min.as_ref().map(Bound::as_f64), constraints.value.max.as_ref().map(Bound::as_f64)),
        ];
        for (min, max) in pairs {
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                self.emit(
                    node,
                    Code::E0028,
                    format!("{what}: minimum {min} must be <= maximum {max}"),
                    "minimum greater than maximum",
                );
            }
        }
        let Some(default) = default.map(crate::literal_text) else { return };
        let default = default.as_str();
        let (min, max) = (&constraints.value.min, &constraints.value.max);
        match check_default(self.ir, ty, default, self.openapi) {
            DefaultCheck::Ok => {}
            DefaultCheck::Skip => return,
            DefaultCheck::Invalid(reason) => {
                self.emit(node, Code::E0026, format!("default `{default}` of {what} {reason}"), "invalid default");
                return;
            }
            DefaultCheck::NotAllowed(kind) => {
                if let Some(d) = self.emit(
                    node,
                    Code::E0027,
                    format!("{what} cannot have a default: defaults are not supported for {kind} types"),
                    "default on a complex type",
                ) {
                    d.help = Some("remove the default; the receiver decides what an absent value means".into());
                }
                return;
            }
        }
        if let Type::Primitive(p) = ty
            && p.is_numeric()
            && let Ok(value) = default.trim().parse::<f64>()
        {
            if let Some(min) = min.as_ref().filter(|m| value < m.as_f64()).map(|m| &m.value) {
                self.emit(
                    node,
                    Code::E0029,
                    format!("default `{default}` of {what} must be >= minimum {min}"),
                    "below minimum",
                );
            }
            if let Some(max) = max.as_ref().filter(|m| value > m.as_f64()).map(|m| &m.value) {
                self.emit(
                    node,
                    Code::E0029,
                    format!("default `{default}` of {what} must be <= maximum {max}"),
                    "above maximum",
                );
            }
        }
    }

    fn model_interfaces(&mut self, id: ModelId) {
        let ir = self.ir;
        let m = ir.model(id);
        // An OpenAPI model implements the schemas its `allOf` extends, and has every property
        // of them merged in (a later part restating one narrows it): nothing to check.
        if self.openapi {
            return;
        }
        for (k, &iid) in m.interfaces.iter().enumerate() {
            let i = ir.interface(iid);
            let at = Site::ModelInterface(id, k);
            for f in &i.fields {
                let Some(mf) = m.fields.iter().find(|x| x.name == f.name) else {
                    self.emit(
                        at,
                        Code::E0032,
                        format!("model `{}` is missing field `{}` defined by interface `{}`", m.name, f.name, i.name),
                        "missing interface field",
                    );
                    continue;
                };
                let idx = m.fields.iter().position(|x| x.name == f.name).unwrap_or(0);
                if mf.ty != f.ty && !matches!(f.ty, Type::Unresolved(_)) && !matches!(mf.ty, Type::Unresolved(_)) {
                    let (want, got) = (ir.type_name(&f.ty, m.service), ir.type_name(&mf.ty, m.service));
                    self.emit(
                        Site::FieldType(id, idx),
                        Code::E0032,
                        format!(
                            "field `{}` of model `{}` has type `{got}` but interface `{}` defines it as `{want}`",
                            f.name, m.name, i.name
                        ),
                        "type differs from the interface",
                    );
                }
                if mf.presence.is_required() != f.presence.is_required() {
                    let (is, should) =
                        if f.presence.is_required() { ("optional", "required") } else { ("required", "optional") };
                    self.emit(
                        Site::Field(id, idx),
                        Code::E0032,
                        format!(
                            "field `{}` of model `{}` cannot be {is}: interface `{}` defines it as {should}",
                            f.name, m.name, i.name
                        ),
                        "required differs from the interface",
                    );
                }
            }
        }
    }

    fn union(&mut self, id: UnionId) {
        let ir = self.ir;
        let u = ir.union(id);
        let what = format!("union `{}`", u.name);
        if u.members.is_empty() {
            self.emit(Site::Union(id), Code::E0035, format!("{what} must have at least one type"), "no types");
        }
        self.duplicates(
            u.members.iter().enumerate().map(|(i, m)| (m.type_name.clone(), Site::UnionMember(id, i))),
            &format!("type of {what}"),
        );
        for (i, m) in u.members.iter().enumerate() {
            let at = Site::UnionMember(id, i);
            if m.ty.is_unit()
                && let Some(d) = self.emit(at, Code::E0036, format!("{what} cannot contain unit"), "unit member")
            {
                d.help = Some("to make a value optional, use the `required` property".into());
            }
            let member_service = match &m.ty {
                Type::Model(x) => Some(ir.model(*x).service),
                Type::Enum(x) => Some(ir.enum_(*x).service),
                Type::Union(x) => Some(ir.union(*x).service),
                Type::Interface(x) => Some(ir.interface(*x).service),
                _ => None,
            };
            if member_service.is_some_and(|s| s != u.service) {
                self.emit(
                    at,
                    Code::E0037,
                    format!("type `{}` of {what} is imported: there is no way to declare that an imported type extends a union defined here", m.type_name),
                    "imported type",
                );
            }
        }
        let defaults: Vec<usize> = u.members.iter().enumerate().filter(|(_, m)| m.default).map(|(i, _)| i).collect();
        if defaults.len() > 1 {
            let names: Vec<&str> = defaults.iter().map(|i| u.members[*i].type_name.as_str()).collect();
            self.emit(
                Site::UnionMember(id, defaults[1]),
                Code::E0038,
                format!("only one type of {what} can be the default; marked default: {}", names.join(", ")),
                "second default",
            );
        }
        let Some(disc) = u.discriminator() else {
            if let Some(&first) = defaults.first()
                && let Some(d) = self.emit(
                    Site::UnionMember(id, first),
                    Code::E0039,
                    format!(
                        "type `{}` of {what} cannot be the default: the union has no discriminator",
                        u.members[first].type_name
                    ),
                    "default without discriminator",
                )
            {
                d.help = Some("add a `discriminator` to the union, or remove `default`".into());
            }
            // Nested unions must not have a discriminator either (apibuilder's rule; an untagged
            // OpenAPI union may hold a discriminated one).
            let nested = if self.openapi { &[][..] } else { &u.members[..] };
            for (i, m) in nested.iter().enumerate() {
                if let Type::Union(inner) = m.ty
                    && inner != id
                    && ir.union(inner).discriminator().is_some()
                {
                    self.emit(
                        Site::UnionMember(id, i),
                        Code::E0042,
                        format!("{what} does not specify a discriminator yet its type `{}` does", m.type_name),
                        "nested union with a discriminator",
                    );
                }
            }
            // An untagged (OpenAPI) union has no discriminator values on the wire.
            if self.union_cycles(id) && !self.openapi {
                self.unique_discriminator_values(id, &what);
            }
            return;
        };
        if self.openapi {
            // OpenAPI's discriminator is a property of the members themselves, named freely.
        } else if matches!(disc, "value" | "implicit") {
            self.emit(
                Site::UnionDiscriminator(id),
                Code::E0040,
                format!("discriminator `{disc}` of {what} is a reserved word"),
                "reserved",
            );
            self.bad_discriminator = true;
            return;
        } else if let Some(problem) = names::name_problem(disc) {
            self.emit(
                Site::UnionDiscriminator(id),
                Code::E0013,
                format!("discriminator `{disc}` of {what} is invalid: {problem}"),
                problem,
            );
            self.bad_discriminator = true;
            return;
        }
        if !self.union_cycles(id) {
            return;
        }
        // Flatten nested unions: every leaf model, with the path through nested unions.
        let mut leaves: Vec<(String, ModelId, usize)> = Vec::new();
        let mut values: Vec<(String, usize)> = Vec::new();
        self.flatten(id, id, "", None, &mut leaves, &mut values, disc, &mut vec![id]);
        let collide: Vec<String> = leaves
            .iter()
            .filter(|(_, m, _)| ir.model(*m).fields.iter().any(|f| f.name == disc))
            .map(|(path, _, _)| path.clone())
            .collect();
        if !collide.is_empty() && !self.openapi {
            self.emit(
                Site::UnionDiscriminator(id),
                Code::E0041,
                format!(
                    "discriminator `{disc}` of {what} must be unique: a field of that name exists on {}",
                    collide.join(", ")
                ),
                "collides with a field",
            );
        }
        self.duplicate_discriminator_values(id, &what, &values);
    }

    /// A union without a discriminator still has discriminator values (its types' names, unless
    /// given): apibuilder keeps them unique too, nested unions' included.
    fn unique_discriminator_values(&mut self, id: UnionId, what: &str) {
        let ir = self.ir;
        let mut values = Vec::new();
        let mut stack = vec![(id, None)];
        let mut seen_unions = BTreeSet::from([id]);
        while let Some((u, top_member)) = stack.pop() {
            for (i, m) in ir.union(u).members.iter().enumerate() {
                let member = top_member.unwrap_or(i);
                match m.ty {
                    Type::Union(inner) if ir.union(inner).service == ir.union(id).service => {
                        if seen_unions.insert(inner) {
                            stack.push((inner, Some(member)));
                        }
                    }
                    _ => values.push((m.discriminator_value.clone(), member)),
                }
            }
        }
        values.sort_by_key(|(_, member)| *member);
        self.duplicate_discriminator_values(id, what, &values);
    }

    /// Discriminator values compared as apibuilder compares names (`guestUser` is `guest_user`).
    fn duplicate_discriminator_values(&mut self, id: UnionId, what: &str, values: &[(String, usize)]) {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (value, member) in values {
            let key = if self.openapi { value.clone() } else { names::normalize(value) };
            if let Some(first) = seen.insert(key, value) {
                let message = if first == value {
                    format!("discriminator value `{value}` appears more than once in {what}")
                } else {
                    format!("discriminator value `{value}` appears more than once in {what} (as `{first}`)")
                };
                self.emit(Site::UnionMember(id, *member), Code::E0043, message, "duplicate discriminator value");
            }
        }
    }

    /// Collects the leaf models and discriminator values of a union tree; reports nested unions
    /// whose discriminator differs. `top_member` is the index in the top union.
    #[allow(clippy::too_many_arguments)] // A recursive walk carrying its accumulators; a struct would only rename them.
    fn flatten(
        &mut self,
        top: UnionId,
        current: UnionId,
        prefix: &str,
        top_member: Option<usize>,
        leaves: &mut Vec<(String, ModelId, usize)>,
        values: &mut Vec<(String, usize)>,
        disc: &str,
        on_path: &mut Vec<UnionId>,
    ) {
        let ir = self.ir;
        for (i, m) in ir.union(current).members.iter().enumerate() {
            let member = top_member.unwrap_or(i);
            let path = if prefix.is_empty() { m.type_name.clone() } else { format!("{prefix}.{}", m.type_name) };
            match &m.ty {
                Type::Union(inner) => {
                    let inner_u = ir.union(*inner);
                    if inner_u.service == ir.union(top).service
                        && inner_u.discriminator() != Some(disc)
                        && !self.openapi
                    {
                        let msg = format!(
                            "union `{}` specifies a discriminator named `{disc}`; its type `{}` must specify the same discriminator",
                            ir.union(top).name,
                            m.type_name
                        );
                        self.emit(Site::UnionMember(top, member), Code::E0042, msg, "different discriminator");
                    }
                    // A cycle below this union is reported on the unions in it; don't loop here.
                    if on_path.contains(inner) {
                        continue;
                    }
                    on_path.push(*inner);
                    self.flatten(top, *inner, &path, Some(member), leaves, values, disc, on_path);
                    on_path.pop();
                }
                Type::Model(model) => {
                    leaves.push((path, *model, member));
                    values.push((m.discriminator_value.clone(), member));
                }
                _ => values.push((m.discriminator_value.clone(), member)),
            }
        }
    }

    /// Reports a union that contains itself; returns false when it does.
    fn union_cycles(&mut self, id: UnionId) -> bool {
        let ir = self.ir;
        let mut stack = vec![(id, vec![ir.union(id).name.clone()], vec![id])];
        let mut visited = BTreeSet::new();
        while let Some((u, path, ids)) = stack.pop() {
            for m in &ir.union(u).members {
                if let Type::Union(inner) = m.ty {
                    let mut p = path.clone();
                    p.push(ir.union(inner).name.clone());
                    let mut q = ids.clone();
                    q.push(inner);
                    if inner == id {
                        // One cycle, one error: the other unions on it are not reported again.
                        let mut members = ids.clone();
                        members.sort();
                        if !self.cycles.insert(members) {
                            return false;
                        }
                        let msg = if p.len() == 2 {
                            format!("union `{}` cannot contain itself as one of its types", ir.union(id).name)
                        } else {
                            format!(
                                "union `{}` cannot contain itself as one of its types or sub-types: {}",
                                ir.union(id).name,
                                p.join(" → ")
                            )
                        };
                        self.emit(Site::Union(id), Code::E0044, msg, "contains itself");
                        return false;
                    }
                    if visited.insert(inner) {
                        stack.push((inner, p, q));
                    }
                }
            }
        }
        true
    }

    /// A model in several unions must use one discriminator name and one value everywhere.
    fn union_memberships(&mut self) {
        let ir = self.ir;
        let mut by_model: BTreeMap<ModelId, Vec<(UnionId, usize)>> = BTreeMap::new();
        for (u, union) in ir.unions.iter().enumerate() {
            // apibuilder's rule; in OpenAPI each `oneOf` maps its members its own way.
            if matches!(ir.service(union.service).format, SourceFormat::ImportSummary | SourceFormat::OpenApi) {
                continue;
            }
            for (i, m) in union.members.iter().enumerate() {
                if let Type::Model(model) = m.ty {
                    by_model.entry(model).or_default().push((UnionId(u as u32), i));
                }
            }
        }
        for (model, uses) in by_model {
            if uses.len() < 2 {
                continue;
            }
            let union_names: Vec<String> = {
                let mut n: Vec<String> = uses.iter().map(|(u, _)| ir.union(*u).name.clone()).collect();
                n.sort();
                n
            };
            let discs: BTreeSet<Option<&str>> = uses.iter().map(|(u, _)| ir.union(*u).discriminator()).collect();
            let (u, i) = uses[uses.len() - 1];
            let mname = &ir.model(model).name;
            if discs.len() > 1 {
                let found: Vec<&str> = discs.iter().flatten().copied().collect();
                let msg = format!(
                    "model `{mname}` used in unions [{}] cannot use more than one discriminator name; found [{}]",
                    union_names.join(", "),
                    found.join(", ")
                );
                if let Some(d) = self.emit(Site::UnionMember(u, i), Code::E0045, msg, "different discriminator name") {
                    d.help =
                        Some("all unions should define the same discriminator name, or not define one at all".into());
                }
                continue;
            }
            // Without a discriminator too: apibuilder holds a model to one value everywhere.
            let values: BTreeSet<&str> =
                uses.iter().map(|(u, i)| ir.union(*u).members[*i].discriminator_value.as_str()).collect();
            if values.len() > 1 {
                let values: Vec<&str> = values.into_iter().collect();
                let msg = format!(
                    "model `{mname}` used in unions [{}] cannot use more than one discriminator value; found [{}]",
                    union_names.join(", "),
                    values.join(", ")
                );
                self.emit(Site::UnionMember(u, i), Code::E0045, msg, "different discriminator value");
            }
        }
    }

    fn header(&mut self, h: &Header, node: Site) {
        // apibuilder allows strings and enums; OpenAPI headers may be any primitive that fits.
        let openapi = self.openapi;
        let scalar = |t: &Type| match t {
            Type::Primitive(Primitive::String) | Type::Enum(_) | Type::Unresolved(_) => true,
            Type::Primitive(p) => openapi && p.valid_in_path(),
            _ => false,
        };
        let valid = match &h.ty {
            Type::List(inner) => scalar(inner),
            t => scalar(t),
        };
        if !valid {
            let name = self.ir.type_name(&h.ty, ServiceId(u32::MAX));
            if let Some(d) = self.emit(
                node,
                Code::E0046,
                format!("type `{name}` of header `{}` is invalid: must be a string or the name of an enum", h.name),
                "invalid header type",
            ) {
                d.help = Some("use `string`, an enum, or a list of either".into());
            }
        }
        let what = format!("header `{}`", h.name);
        self.default_and_range(&h.ty, h.presence.default(), &h.constraints, &what, node);
    }

    fn resource(&mut self, rid: ResourceId) {
        let ir = self.ir;
        let r = ir.resource(rid);
        if r.operations.is_empty() && !r.kind.is_outbound() {
            self.emit(
                Site::Resource(rid),
                Code::E0048,
                format!("resource `{}` must have at least one operation", r.type_name),
                "no operations",
            );
        }
        for &oid in &r.operations {
            self.operation(oid, r);
            for &cb in &ir.operation(oid).callbacks {
                self.resource(cb);
            }
        }
    }

    fn operation(&mut self, oid: OperationId, r: &Resource) {
        let ir = self.ir;
        let op = ir.operation(oid);
        let what = format!("operation `{} {}` of resource `{}`", op.method.as_str(), op.path, r.type_name);
        let from = r.service;
        if let Some(body) = &op.body {
            if op.method == Method::Get
                && !self.openapi
                && let Some(d) = self.emit(
                    Site::Body(oid),
                    Code::E0051,
                    format!("{what} cannot have a body: GET requests carry none"),
                    "body on GET",
                )
            {
                d.help = Some("send the data as query parameters, or use POST".into());
            }
            if matches!(body.ty().innermost(), Type::Interface(_)) {
                self.emit(
                    Site::Body(oid),
                    Code::E0033,
                    format!("the body of {what} is an interface and cannot be used as a type"),
                    "interface",
                );
            }
        }
        self.duplicates(
            op.parameters.iter().enumerate().map(|(i, p)| (p.name.clone(), Site::Parameter(oid, i))),
            &format!("parameter of {what}"),
        );
        let path_names = names::path_parameter_names(&op.path);
        for (i, p) in op.parameters.iter().enumerate() {
            let at = Site::Parameter(oid, i);
            let pwhat = format!("parameter `{}` of {what}", p.name);
            let tname = ir.type_name(&p.ty, from);
            match p.location {
                ParameterLocation::Path => {
                    // (OpenAPI paths are checked by the front end, against `{name}` templates.)
                    if !path_names.contains(&p.name) && !self.openapi {
                        self.emit(
                            at,
                            Code::E0053,
                            format!("path {pwhat} is missing from the path `{}`", op.path),
                            "not in the path",
                        );
                    }
                    if !p.presence.is_required() {
                        self.emit(
                            at,
                            Code::E0054,
                            format!("path {pwhat} is specified as optional: all path parameters are required"),
                            "optional path parameter",
                        );
                    }
                    let ok = match &p.ty {
                        Type::Primitive(prim) => prim.valid_in_path(),
                        Type::Enum(_) | Type::Unresolved(_) => true,
                        _ => false,
                    };
                    if !ok
                        && !self.openapi
                        && let Some(d) = self.emit(
                            Site::ParameterType(oid, i),
                            Code::E0055,
                            format!("path {pwhat} has an invalid type `{tname}`"),
                            "invalid path parameter type",
                        )
                    {
                        d.help = Some(format!("valid types for path parameters are: enum, {}", path_primitives()));
                    }
                }
                ParameterLocation::Query | ParameterLocation::Header | ParameterLocation::Cookie => {
                    let kind = p.location.as_str();
                    let problem = match &p.ty {
                        Type::Map(_) => Some(format!("maps are not supported as {kind} parameters")),
                        Type::List(inner) => match &**inner {
                            Type::Primitive(prim) if prim.valid_in_path() => None,
                            Type::Enum(_) | Type::Unresolved(_) => None,
                            _ => Some(format!(
                                "valid nested types for lists in {kind} parameters are: enum, {}",
                                path_primitives()
                            )),
                        },
                        Type::Primitive(prim) if !prim.valid_in_path() => {
                            Some(format!("`{}` is not supported as a {kind} parameter", prim.as_str()))
                        }
                        Type::Model(_) | Type::Union(_) | Type::Interface(_) => {
                            Some(format!("interface, model and union types are not supported as {kind} parameters"))
                        }
                        _ => None,
                    };
                    // OpenAPI serializes objects and maps into the query (`style: deepObject`).
                    if let Some(problem) = problem.filter(|_| self.apibuilder(from)) {
                        self.emit(
                            Site::ParameterType(oid, i),
                            Code::E0052,
                            format!("{pwhat} has an invalid type `{tname}`: {problem}"),
                            "invalid parameter type",
                        );
                    }
                }
                ParameterLocation::Form => {
                    if matches!(p.ty.innermost(), Type::Interface(_)) {
                        self.emit(
                            Site::ParameterType(oid, i),
                            Code::E0033,
                            format!("{pwhat} is an interface and cannot be used as a type"),
                            "interface",
                        );
                    }
                }
            }
            if self.apibuilder(from)
                && matches!(p.presence, Presence::OptionalWithDefault(_))
                && let Some(d) = self.emit(
                    at,
                    Code::E0059,
                    format!("{pwhat} has a default specified: it must be marked required"),
                    "optional with a default",
                )
            {
                d.help = Some("remove `\"required\": false`; the default applies when the parameter is absent".into());
            }
            self.default_and_range(&p.ty, p.presence.default(), &p.constraints, &pwhat, at);
        }
        // Responses.
        let mut success: Vec<(u16, &Type, usize)> = Vec::new();
        let mut seen_codes = BTreeMap::new();
        for (i, resp) in op.responses.iter().enumerate() {
            let at = Site::Response(oid, i);
            if let Some(first) = seen_codes.insert(resp.code, i) {
                let _ = first;
                let code = resp.code;
                self.emit(
                    at,
                    Code::E0025,
                    format!("response code `{code}` of {what} appears more than once"),
                    "duplicate response code",
                );
            }
            if let ResponseCode::Status(code) = resp.code {
                if (200..300).contains(&code) {
                    success.push((code, resp.ty(), i));
                }
                if (code == 204 || code == 304)
                    && !self.openapi
                    && !resp.ty().is_unit()
                    && !matches!(resp.ty(), Type::Unresolved(_))
                {
                    let tname = ir.type_name(resp.ty(), from);
                    if let Some(d) = self.emit(
                        Site::ResponseType(oid, i),
                        Code::E0058,
                        format!("response code `{code}` of {what} must return unit and not `{tname}`"),
                        "must be unit",
                    ) {
                        d.help = Some(format!("{code} responses have no body: use `\"type\": \"unit\"`"));
                    }
                }
            }
            if matches!(resp.ty().innermost(), Type::Interface(_)) {
                self.emit(
                    Site::ResponseType(oid, i),
                    Code::E0033,
                    format!("the response type of {what} is an interface and cannot be used as a type"),
                    "interface",
                );
            }
            self.duplicates(
                resp.headers
                    .iter()
                    .enumerate()
                    .map(|(h, header)| (header.name.clone(), Site::ResponseHeader(oid, i, h))),
                &format!("header of the {} response of {what}", resp.code),
            );
            for (h, header) in resp.headers.iter().enumerate() {
                self.header(header, Site::ResponseHeader(oid, i, h));
            }
        }
        // apibuilder compares every 2xx type, `unit` included: one success type per operation.
        let typed: Vec<&(u16, &Type, usize)> = success.iter().collect();
        if self.apibuilder(from)
            && let Some(first) = typed.first()
            && typed.iter().any(|(_, t, _)| *t != first.1)
        {
            let names: Vec<String> = typed.iter().map(|(_, t, _)| ir.type_name(t, from)).collect();
            let at = typed.iter().find(|(_, t, _)| *t != first.1).map_or(first.2, |x| x.2);
            self.emit(
                Site::ResponseType(oid, at),
                Code::E0057,
                format!("{what} cannot have varying response types for 2xx response codes: {}", names.join(", ")),
                "different success type",
            );
        }
    }
}

fn path_primitives() -> String {
    Primitive::ALL.iter().filter(|p| p.valid_in_path()).map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

enum DefaultCheck {
    Ok,
    /// Nothing to check (unresolved or imported type).
    Skip,
    Invalid(String),
    NotAllowed(&'static str),
}

/// apibuilder's `TypeValidator`: whether `value` (a default as stored: JSON text, strings
/// unquoted) is a valid value of `ty`.
///
/// In OpenAPI (`openapi`), a default is a JSON value of any schema, and an enum's default is its
/// wire value: only what apibuilder and OpenAPI agree on is checked.
fn check_default(ir: &Ir, ty: &Type, value: &str, openapi: bool) -> DefaultCheck {
    match ty {
        Type::Unresolved(_) => DefaultCheck::Skip,
        Type::Model(_) | Type::Union(_) | Type::Interface(_) | Type::Primitive(Primitive::Json | Primitive::Object)
            if openapi =>
        {
            DefaultCheck::Skip
        }
        Type::Model(_) => DefaultCheck::NotAllowed("model"),
        Type::Union(_) => DefaultCheck::NotAllowed("union"),
        Type::Interface(_) => DefaultCheck::NotAllowed("interface"),
        Type::Enum(id) => {
            let e = ir.enum_(*id);
            // Defaults of imported enums are not checked, as in apibuilder.
            if ir.service(e.service).format == SourceFormat::ImportSummary || e.values.is_empty() {
                return DefaultCheck::Skip;
            }
            if e.values.iter().any(|v| v.name == value || (openapi && v.value == value)) {
                DefaultCheck::Ok
            } else {
                let names: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
                DefaultCheck::Invalid(format!(
                    "is not a valid value for enum `{}`; valid values are: {}",
                    e.name,
                    names.join(", ")
                ))
            }
        }
        Type::List(inner) | Type::Map(inner) => {
            let is_list = matches!(ty, Type::List(_));
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(value);
            let items: Vec<serde_json::Value> = match (parsed, is_list) {
                (Ok(serde_json::Value::Array(a)), true) => a,
                (Ok(serde_json::Value::Object(o)), false) => o.into_iter().map(|(_, v)| v).collect(),
                (Ok(_), true) => return DefaultCheck::Invalid("is not a valid JSON array".into()),
                (Ok(_), false) => return DefaultCheck::Invalid("is not a valid JSON object".into()),
                (Err(_), _) => return DefaultCheck::Invalid("is not valid JSON".into()),
            };
            for item in items {
                let text = match item {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                match check_default(ir, inner, &text, openapi) {
                    DefaultCheck::Ok | DefaultCheck::Skip => {}
                    DefaultCheck::Invalid(reason) => {
                        return DefaultCheck::Invalid(format!("has an element `{text}` that {reason}"));
                    }
                    other => return other,
                }
            }
            DefaultCheck::Ok
        }
        Type::Primitive(p) => {
            let v = value.trim();
            let ok = match p {
                Primitive::Boolean => value == "true" || value == "false",
                Primitive::Double => v.parse::<f64>().is_ok_and(f64::is_finite),
                Primitive::Integer => v.parse::<i32>().is_ok(),
                Primitive::Long => v.parse::<i64>().is_ok(),
                Primitive::Decimal => is_decimal(v),
                Primitive::Uuid => is_uuid(v),
                Primitive::DateIso8601 => is_date(v),
                Primitive::DateTimeIso8601 => is_date_time(v),
                Primitive::Json => serde_json::from_str::<serde_json::Value>(value).is_ok(),
                Primitive::Object => {
                    matches!(serde_json::from_str::<serde_json::Value>(value), Ok(serde_json::Value::Object(_)))
                }
                Primitive::String => true,
                Primitive::Unit => value.is_empty(),
            };
            if ok {
                DefaultCheck::Ok
            } else {
                let expected = match p {
                    Primitive::Boolean => "is not a valid boolean; must be one of: true, false".to_string(),
                    Primitive::Unit => "is not a valid unit value; it must be the empty string".to_string(),
                    Primitive::Integer => "is not a valid integer (32-bit)".to_string(),
                    Primitive::Long => "is not a valid long (64-bit integer)".to_string(),
                    other => format!("is not a valid {}", other.as_str()),
                };
                DefaultCheck::Invalid(expected)
            }
        }
    }
}

fn is_decimal(v: &str) -> bool {
    let v = v.strip_prefix(['-', '+']).unwrap_or(v);
    let (mantissa, exp) = match v.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (v, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = (!int.is_empty() || !frac.is_empty()) && digits(int) && digits(frac);
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exp_ok
}

fn is_uuid(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |s: &str| s.parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (num(&v[0..4]), num(&v[5..7]), num(&v[8..10])) else { return false };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]
}

/// ISO 8601 date-time as apibuilder's Joda parser accepts it: a date, optionally `T` and a time
/// `HH:MM[:SS[.fff]]`, optionally a zone `Z` or `±HH[:MM]`.
fn is_date_time(v: &str) -> bool {
    if v.len() < 10 || !v.is_char_boundary(10) || !is_date(&v[..10]) {
        return false;
    }
    let rest = &v[10..];
    if rest.is_empty() {
        return true;
    }
    let Some(time) = rest.strip_prefix('T').or_else(|| rest.strip_prefix('t')) else { return false };
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => (time, ""),
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let parts: Vec<&str> = hms.split(':').collect();
    let two = |s: &str, max: u32| s.len() == 2 && s.parse::<u32>().is_ok_and(|n| n <= max);
    let clock_ok = matches!(parts.len(), 2 | 3)
        && two(parts[0], 23)
        && two(parts[1], 59)
        && parts.get(2).is_none_or(|s| two(s, 60));
    let frac_ok = frac.chars().all(|c| c.is_ascii_digit()) && (frac.is_empty() || parts.len() == 3);
    let zone_ok = match zone {
        "" | "Z" | "z" => true,
        z if !z.is_ascii() => false,
        z => {
            let z = &z[1..];
            let (h, m) = z.split_once(':').unwrap_or((&z[..z.len().min(2)], z.get(2..).unwrap_or("")));
            two(h, 23) && (m.is_empty() || two(m, 59))
        }
    };
    clock_ok && frac_ok && zone_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_formats() {
        assert!(
            is_decimal("10.12") && is_decimal("-1") && is_decimal("1e5") && !is_decimal("1.2.3") && !is_decimal("abc")
        );
        assert!(is_uuid("5ecf6502-e532-4738-aad5-7ac9701251dd") && !is_uuid("5ecf6502"));
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2014-13-01"));
        assert!(is_date_time("2014-04-29T11:56:52Z"));
        assert!(is_date_time("2014-04-29T11:56:52.123+02:00"));
        assert!(is_date_time("2014-04-29"));
        assert!(!is_date_time("2014-04-29T25:00:00Z"));
        assert!(!is_date_time("yesterday"));
    }
}
