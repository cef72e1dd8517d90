//! `GET /v1/params`: the chain's genesis parameters, typed by the parameter structs' own
//! derived schema (so the document and the answer cannot drift apart).

use super::*;
use utoipa::{PartialSchema, ToSchema};

/// The answer of `GET /v1/params`. Its schema is the OpenAPI component `ChainParams`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = ChainParams)]
struct ParamsView<'a> {
    /// Chain id.
    chain_id: &'a str,
    /// Genesis hash, hex.
    genesis_hash: String,
    /// Approved device makers, hex keys.
    makers: &'a [String],
    /// Treasury address, hex.
    treasury: &'a str,
    /// Every module's parameters, with the field names of the genesis file.
    params: &'a terrane_app::params::ChainParams,
}

/// The schemas that type this chain's own data in the API's document: [`ParamsView`] (named
/// `ChainParams`) with what it refers to, and `Capabilities`, one of each class's own.
pub(super) fn component_schemas() -> Vec<(String, serde_json::Value)> {
    let mut schemas = Vec::new();
    ParamsView::schemas(&mut schemas);
    schemas.push((ParamsView::name().into_owned(), ParamsView::schema()));
    schemas
        .into_iter()
        .map(|(name, schema)| {
            let json = serde_json::to_value(schema).expect("a schema serializes");
            (name, json)
        })
        .chain([(
            "Capabilities".to_owned(),
            terrane_app::modules::capabilities_schema(),
        )])
        .collect()
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) fn params_view(&self) -> serde_json::Value {
        let g = self.executor.genesis();
        serde_json::to_value(ParamsView {
            chain_id: &g.chain_id,
            genesis_hash: self.chain.genesis_hash.to_string(),
            makers: &g.makers,
            treasury: &g.treasury,
            params: &g.params,
        })
        .expect("parameters serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_params_answer_matches_its_derived_schema_and_an_altered_one_does_not() {
        let g = terrane_app::Genesis::for_tests("params-schema", &[]);
        let answer = serde_json::to_value(ParamsView {
            chain_id: &g.chain_id,
            genesis_hash: "00".repeat(32),
            makers: &g.makers,
            treasury: &g.treasury,
            params: &g.params,
        })
        .unwrap();
        let document = terrane_api::openapi::document_for(component_schemas());
        let mut schema = serde_json::json!({ "$ref": "#/components/schemas/ChainParams" });
        schema["components"] = document["components"].clone();
        let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&answer)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        // Typed, not free-form: a wrong type deep inside is caught.
        let mut wrong = answer.clone();
        wrong["params"]["rewards"]["classes"][0]["weight_bps"] = serde_json::json!("a lot");
        assert!(!validator.is_valid(&wrong));
        let mut missing = answer;
        missing["params"]["pow"]
            .as_object_mut()
            .unwrap()
            .remove("epoch_length_blocks");
        assert!(!validator.is_valid(&missing));
    }

    #[test]
    fn device_capabilities_match_their_class_schema_and_others_do_not() {
        use terrane_coverage::radio::{Band, capabilities};
        let document = terrane_api::openapi::document_for(component_schemas());
        let mut schema = serde_json::json!({ "$ref": "#/components/schemas/Capabilities" });
        schema["components"] = document["components"].clone();
        let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
        let shown = terrane_app::modules::capabilities_json(&capabilities(30, 270, Band::Us915));
        assert!(validator.is_valid(&shown), "{shown}");
        for wrong in [
            serde_json::json!({ "antenna_gain_dbi_x10": 30, "tx_power_dbm_x10": 270, "band": "fm" }),
            serde_json::json!({ "antenna_gain_dbi_x10": "30", "tx_power_dbm_x10": 270, "band": "us915" }),
            serde_json::json!({ "capacity_gib": 4 }),
        ] {
            assert!(!validator.is_valid(&wrong), "{wrong}");
        }
    }
}
