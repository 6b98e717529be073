//! The registry: every lint rule, one module per rule, listed in [`RULES`] in id order.

mod body_form_model;
mod common_field_types;
mod enum_value_snake_case;
mod error_type_consistent;
mod event_model_fields;
mod event_union_members;
mod event_upserted_has_deleted;
mod example_matches_type;
mod expandable_union_members;
mod field_has_description;
mod field_name_snake_case;
mod inclusive_terminology;
mod list_operation_paginated;
mod list_parameter_maximum;
mod operation_has_description;
mod operation_id_present;
mod operation_method_path_unique;
mod parameter_name_snake_case;
mod path_lower_case;
mod path_no_trailing_slash;
mod resource_path_plural;
mod schema_used;
mod tag_defined;
mod type_has_description;
mod type_name_snake_case;
mod union_has_discriminator;

use crate::Rule;

/// Every lint rule, sorted by id. A rule id is never reused for another meaning.
pub static RULES: &[&Rule] = &[
    &body_form_model::RULE,
    &common_field_types::RULE,
    &enum_value_snake_case::RULE,
    &error_type_consistent::RULE,
    &event_model_fields::RULE,
    &event_union_members::RULE,
    &event_upserted_has_deleted::RULE,
    &example_matches_type::RULE,
    &expandable_union_members::RULE,
    &field_has_description::RULE,
    &field_name_snake_case::RULE,
    &inclusive_terminology::RULE,
    &list_operation_paginated::RULE,
    &list_parameter_maximum::RULE,
    &operation_has_description::RULE,
    &operation_id_present::RULE,
    &operation_method_path_unique::RULE,
    &parameter_name_snake_case::RULE,
    &path_lower_case::RULE,
    &path_no_trailing_slash::RULE,
    &resource_path_plural::RULE,
    &schema_used::RULE,
    &tag_defined::RULE,
    &type_has_description::RULE,
    &type_name_snake_case::RULE,
    &union_has_discriminator::RULE,
];
