//! Operating the registry: consistency checks, the database locks, export and import of the
//! published data, synthetic registries for benchmarks, the evaluation harness, the demo
//! replica and the fuzz entry points.
//!
//! May depend on: `pipeline`, `store`, `archive`, `search` and the leaf crates; the jobs that
//! run over a whole data directory (`check`, `eval`, `synth::load`) take `app::Mieru` as their
//! handle on it. `locks` depends on `store` only, since the pipeline takes its lock; `periodic` on
//! nothing.
//! Must not depend on: `serve`. Nothing below `app` depends on those jobs.

pub mod check;
pub mod eval;
pub mod export;
pub mod fuzzing;
pub mod import;
pub mod locks;
pub mod periodic;
pub mod replica;
pub mod synth;
