//! A CoT event from a TAK client → an observation, as the TAK intake takes it: an atom with a
//! point becomes an observation of its kind and affiliation, validated like any other.

use model::{Observation, ObservationError, Time, ValidationLimits};

/// The observation `event` makes, validated at `now`: `Ok(None)` for an event that is not an
/// observation (a chat, a marker's delete), `Err` for one that fails validation.
pub fn observe(
    event: &cot::Event,
    from: &cot::SourceInfo,
    now: Time,
    limits: ValidationLimits,
) -> Result<Option<Observation>, ObservationError> {
    let Ok(observation) = cot::to_observation(event, from) else { return Ok(None) };
    observation.validate(now, limits)?;
    Ok(Some(observation))
}
