//! The example user service. `src/generated/` is written by `apigen update --app user` from the
//! specs in `schemas/` and committed; a test checks it is never stale.

#[rustfmt::skip]
pub mod generated;
