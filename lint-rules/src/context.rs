//! What a rule's check sees (one service of the IR, with safe lookups) and what it reports (a
//! [`Finding`] at a [`Site`]); turning findings into diagnostics is `lint`'s job, not the rules'.

use compiler::ir::{
    Enum, EnumId, Interface, InterfaceId, Ir, Model, ModelId, Operation, OperationId, Resource, ResourceId, Service,
    ServiceId, Site, Type, Union, UnionId,
};

/// One service of the IR, as a rule's check sees it.
///
/// The accessors use `get`, so a check never panics even on an IR whose ids do not index its
/// arenas (which the compiler never builds).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub ir: &'a Ir,
    pub service: ServiceId,
}

impl<'a> Context<'a> {
    pub fn svc(&self) -> Option<&'a Service> {
        self.ir.services.get(self.service.index())
    }

    pub fn model(&self, id: ModelId) -> Option<&'a Model> {
        self.ir.models.get(id.index())
    }

    pub fn enum_(&self, id: EnumId) -> Option<&'a Enum> {
        self.ir.enums.get(id.index())
    }

    pub fn union(&self, id: UnionId) -> Option<&'a Union> {
        self.ir.unions.get(id.index())
    }

    pub fn interface(&self, id: InterfaceId) -> Option<&'a Interface> {
        self.ir.interfaces.get(id.index())
    }

    pub fn resource(&self, id: ResourceId) -> Option<&'a Resource> {
        self.ir.resources.get(id.index())
    }

    pub fn operation(&self, id: OperationId) -> Option<&'a Operation> {
        self.ir.operations.get(id.index())
    }

    /// The models of this service, in the service's (sorted) order.
    pub fn models(&self) -> impl Iterator<Item = (ModelId, &'a Model)> + 'a {
        let cx = *self;
        self.svc().into_iter().flat_map(|s| s.models.iter()).filter_map(move |&id| Some((id, cx.model(id)?)))
    }

    pub fn enums(&self) -> impl Iterator<Item = (EnumId, &'a Enum)> + 'a {
        let cx = *self;
        self.svc().into_iter().flat_map(|s| s.enums.iter()).filter_map(move |&id| Some((id, cx.enum_(id)?)))
    }

    pub fn unions(&self) -> impl Iterator<Item = (UnionId, &'a Union)> + 'a {
        let cx = *self;
        self.svc().into_iter().flat_map(|s| s.unions.iter()).filter_map(move |&id| Some((id, cx.union(id)?)))
    }

    pub fn interfaces(&self) -> impl Iterator<Item = (InterfaceId, &'a Interface)> + 'a {
        let cx = *self;
        self.svc().into_iter().flat_map(|s| s.interfaces.iter()).filter_map(move |&id| Some((id, cx.interface(id)?)))
    }

    pub fn resources(&self) -> impl Iterator<Item = (ResourceId, &'a Resource)> + 'a {
        let cx = *self;
        self.svc().into_iter().flat_map(|s| s.resources.iter()).filter_map(move |&id| Some((id, cx.resource(id)?)))
    }

    /// Every operation of the service with its resource, resource by resource.
    pub fn operations(&self) -> impl Iterator<Item = (OperationId, &'a Operation, &'a Resource)> + 'a {
        let cx = *self;
        self.resources()
            .flat_map(move |(_, r)| r.operations.iter().filter_map(move |&id| Some((id, cx.operation(id)?, r))))
    }

    /// Every operation of the service: those of its resources, its webhooks, and every
    /// callback of them, in that order.
    pub fn all_operations(&self) -> Vec<(OperationId, &'a Operation)> {
        let cx = *self;
        let Some(s) = self.svc() else { return Vec::new() };
        let mut out = Vec::new();
        let mut stack: Vec<ResourceId> = s.resources.iter().chain(&s.webhooks).rev().copied().collect();
        while let Some(r) = stack.pop() {
            let Some(resource) = cx.resource(r) else { continue };
            for &id in &resource.operations {
                if let Some(op) = cx.operation(id) {
                    out.push((id, op));
                    stack.extend(op.callbacks.iter().rev());
                }
            }
        }
        out
    }

    /// A type as the spec author writes it: local names short, imported names qualified.
    pub fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::Primitive(p) => p.as_str().to_string(),
            Type::List(inner) => format!("[{}]", self.type_name(inner)),
            Type::Map(inner) => format!("map[{}]", self.type_name(inner)),
            Type::Enum(id) => self.named(self.enum_(*id).map(|e| (e.service, "enums", e.name.as_str()))),
            Type::Model(id) => self.named(self.model(*id).map(|m| (m.service, "models", m.name.as_str()))),
            Type::Union(id) => self.named(self.union(*id).map(|u| (u.service, "unions", u.name.as_str()))),
            Type::Interface(id) => self.named(self.interface(*id).map(|i| (i.service, "interfaces", i.name.as_str()))),
            Type::Unresolved(text) => text.clone(),
        }
    }

    fn named(&self, item: Option<(ServiceId, &str, &str)>) -> String {
        match item {
            None => "?".to_string(),
            Some((service, _, name)) if service == self.service => name.to_string(),
            Some((service, kind, name)) => match self.ir.services.get(service.index()) {
                Some(s) => format!("{}.{kind}.{name}", s.namespace),
                None => name.to_string(),
            },
        }
    }

    /// The unqualified name of a named type (`user` for `com.acme.v0.models.user`); `None` for
    /// primitives, collections and unresolved types.
    pub fn short_name(&self, ty: &Type) -> Option<&'a str> {
        match ty {
            Type::Enum(id) => self.enum_(*id).map(|e| e.name.as_str()),
            Type::Model(id) => self.model(*id).map(|m| m.name.as_str()),
            Type::Union(id) => self.union(*id).map(|u| u.name.as_str()),
            Type::Interface(id) => self.interface(*id).map(|i| i.name.as_str()),
            _ => None,
        }
    }
}

/// One finding of a rule, before it becomes a [`compiler::Diagnostic`].
#[derive(Debug, Clone)]
pub struct Finding {
    /// The most precise element the finding is about; the label goes under its span.
    pub site: Site,
    /// rustc style: lowercase, no trailing period, names in backticks.
    pub message: String,
    pub label: String,
    /// The fix.
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// Other places worth showing, each with its label.
    pub related: Vec<(Site, String)>,
    /// Flow names of this particular check (`limit`), accepted in `linter` ignore lists besides
    /// the rule's own names.
    pub flow_names: &'static [&'static str],
}

impl Finding {
    pub fn new(site: Site, message: impl Into<String>, label: impl Into<String>) -> Self {
        Finding {
            site,
            message: message.into(),
            label: label.into(),
            help: None,
            notes: Vec::new(),
            related: Vec::new(),
            flow_names: &[],
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn related(mut self, site: Site, label: impl Into<String>) -> Self {
        self.related.push((site, label.into()));
        self
    }

    pub fn flow_names(mut self, names: &'static [&'static str]) -> Self {
        self.flow_names = names;
        self
    }
}
