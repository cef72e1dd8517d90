//! `GET /v1/outcomes`: the reason-code registry.

use super::*;

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) fn registry(&self) -> Vec<OutcomeView> {
        outcome::registry()
            .into_iter()
            .map(|i| OutcomeView {
                code: i.code,
                name: i.name.to_owned(),
                description: i.description.to_owned(),
            })
            .collect()
    }
}
