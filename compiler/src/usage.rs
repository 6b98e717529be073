//! Which way each named type travels: in requests (clients write, servers read), in responses
//! (servers write, clients read), or both. A change to a type breaks its readers or its writers,
//! so the diff classifies by this: a required field added to a type only responses carry breaks
//! nobody; the same field added to a request body breaks every old client.
//!
//! Computed from the operations: bodies, parameters and service headers are requests; response
//! payloads and headers are responses (the other way round in webhooks and callbacks, which the
//! service sends and its consumers answer); a type reached from either is that too, through fields
//! (a `readOnly` field travels in responses only, a `writeOnly` one in requests only), list and
//! map elements, union members, and interfaces (an interface travels wherever its implementors
//! do; where one is used as a type, which apibuilder forbids and OpenAPI lowering does not
//! produce yet, every type implementing it travels that way). A type no operation reaches
//! (an event, a component nothing uses) is taken to travel both ways.

use std::collections::HashMap;

use crate::ir::*;

/// The directions a type travels in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Usage {
    pub request: bool,
    pub response: bool,
}

impl Usage {
    pub const REQUEST: Usage = Usage { request: true, response: false };
    pub const RESPONSE: Usage = Usage { request: false, response: true };
    pub const BOTH: Usage = Usage { request: true, response: true };

    pub fn is_empty(self) -> bool {
        !self.request && !self.response
    }

    pub fn union(self, other: Usage) -> Usage {
        Usage { request: self.request || other.request, response: self.response || other.response }
    }

    fn minus(self, other: Usage) -> Usage {
        Usage { request: self.request && !other.request, response: self.response && !other.response }
    }

    /// The directions a field of a type travelling this way travels in.
    pub fn of_field(self, access: Access) -> Usage {
        match access {
            Access::ReadWrite => self,
            Access::ReadOnly => Usage { request: false, ..self },
            Access::WriteOnly => Usage { response: false, ..self },
        }
    }
}

/// A named type of the IR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Model(ModelId),
    Enum(EnumId),
    Union(UnionId),
    Interface(InterfaceId),
}

impl TypeRef {
    fn of(ty: &Type) -> Option<TypeRef> {
        match ty.innermost() {
            Type::Model(id) => Some(TypeRef::Model(*id)),
            Type::Enum(id) => Some(TypeRef::Enum(*id)),
            Type::Union(id) => Some(TypeRef::Union(*id)),
            Type::Interface(id) => Some(TypeRef::Interface(*id)),
            _ => None,
        }
    }
}

/// The directions of every named type an operation reaches.
#[derive(Debug, Default)]
pub struct Usages {
    map: HashMap<TypeRef, Usage>,
}

impl Usages {
    pub fn of(ir: &Ir) -> Usages {
        let mut implementors: HashMap<InterfaceId, Vec<TypeRef>> = HashMap::new();
        for (i, m) in ir.models.iter().enumerate() {
            for x in &m.interfaces {
                implementors.entry(*x).or_default().push(TypeRef::Model(ModelId(i as u32)));
            }
        }
        for (i, u) in ir.unions.iter().enumerate() {
            for x in &u.interfaces {
                implementors.entry(*x).or_default().push(TypeRef::Union(UnionId(i as u32)));
            }
        }
        let mut w = Walk { ir, implementors, map: HashMap::new(), walked: HashMap::new(), stack: Vec::new() };
        for s in &ir.services {
            for h in &s.headers {
                w.reach(&h.ty, Usage::REQUEST);
            }
        }
        for op in &ir.operations {
            // A webhook or callback is a request the service sends: its consumers read it.
            let (request, response) = if ir.resource(op.resource).kind.is_outbound() {
                (Usage::RESPONSE, Usage::REQUEST)
            } else {
                (Usage::REQUEST, Usage::RESPONSE)
            };
            for p in &op.parameters {
                w.reach(&p.ty, request);
            }
            for c in op.body.iter().flat_map(|b| &b.content) {
                w.reach(&c.ty, request);
            }
            for r in &op.responses {
                for c in &r.content {
                    w.reach(&c.ty, response);
                }
                for h in &r.headers {
                    w.reach(&h.ty, response);
                }
            }
        }
        w.run();
        Usages { map: w.map }
    }

    /// The directions a type travels in; empty when no operation reaches it.
    pub fn get(&self, t: TypeRef) -> Usage {
        self.map.get(&t).copied().unwrap_or_default()
    }
}

struct Walk<'a> {
    ir: &'a Ir,
    implementors: HashMap<InterfaceId, Vec<TypeRef>>,
    map: HashMap<TypeRef, Usage>,
    /// The directions passed on from each type to what it holds.
    walked: HashMap<TypeRef, Usage>,
    /// Types with directions not yet passed on to what they hold.
    stack: Vec<(TypeRef, Usage)>,
}

impl Walk<'_> {
    fn reach(&mut self, ty: &Type, usage: Usage) {
        if let Some(t) = TypeRef::of(ty) {
            self.mark(t, usage);
        }
    }

    fn mark(&mut self, t: TypeRef, usage: Usage) {
        let walked = self.walked.entry(t).or_default();
        let new = usage.minus(*walked);
        if !new.is_empty() {
            *walked = walked.union(new);
            self.note(t, new);
            self.stack.push((t, new));
        }
    }

    /// An interface travels wherever its implementors do; its fields are theirs, already
    /// walked, and its other implementors are not reached through it.
    fn note(&mut self, t: TypeRef, usage: Usage) {
        let seen = self.map.entry(t).or_default();
        *seen = seen.union(usage);
    }

    /// Iterative, so that a deep nesting of types cannot overflow the stack.
    fn run(&mut self) {
        let ir = self.ir;
        while let Some((t, usage)) = self.stack.pop() {
            match t {
                TypeRef::Model(id) => {
                    let m = ir.model(id);
                    for f in &m.fields {
                        self.reach(&f.ty, usage.of_field(f.access));
                    }
                    for i in &m.interfaces {
                        self.note(TypeRef::Interface(*i), usage);
                    }
                }
                TypeRef::Union(id) => {
                    let u = ir.union(id);
                    for m in &u.members {
                        self.reach(&m.ty, usage);
                    }
                    for i in &u.interfaces {
                        self.note(TypeRef::Interface(*i), usage);
                    }
                }
                TypeRef::Interface(id) => {
                    for f in &ir.interface(id).fields {
                        self.reach(&f.ty, usage.of_field(f.access));
                    }
                    for x in self.implementors.get(&id).cloned().unwrap_or_default() {
                        self.mark(x, usage);
                    }
                }
                TypeRef::Enum(_) => {}
            }
        }
    }
}
