//! polyver's engine: what every command (and next the server, `plan` and `update`) does
//! between parsing its arguments and rendering its answer.
//!
//! - [`Settings`]: flags over environment over `polyver.toml` over defaults, resolved once.
//! - [`Engine::scan`]: one walk, one [`Inventory`].
//! - Findings come from the domain crates that own them (audit from `polyver-advisory`,
//!   licences from `polyver-license`, conflicts/drift/compat from `polyver-analyze`, lock
//!   drift from `polyver-lock`, migrations from `polyver-migrations`), each with its stable
//!   rule ids; [`rules::catalogue`] gathers them.
//! - [`Gate`]: `polyver check`, every check on one inventory against one threshold.
//! - [`plan::plan`]: `polyver plan`, every analysis of one inventory weighed into update
//!   priorities, recommendations and a health score.
//! - [`report::report`]: `polyver report`, every analysis of one inventory gathered once.
//!
//! Nothing here prints or renders: errors carry a hint ([`EngineError`]), warnings are
//! returned, and the caller decides how to show them.

pub mod audit;
pub mod conflicts;
mod error;
pub mod gate;
pub mod graph;
pub mod init;
pub mod licenses;
mod lock;
pub mod migrations;
pub mod osv;
pub mod parse;
pub mod plan;
mod record;
pub mod registry;
pub mod report;
pub mod rules;
mod settings;
pub mod update;
pub mod upstream;
pub mod version_eval;

pub use error::{EngineError, ErrorKind};
pub use gate::{Check, CheckResult, CheckStatus, Gate, GateOptions, PreparedGate};
pub use lock::{read_lock, write_atomically, write_lock, Written, MAX_LOCK_SIZE};
pub use record::{findings_to_record, stored_matrix, Analyses};
pub use settings::{osv_db_dir, sbom_timestamp, scan_config, Overrides, Settings};

use polyver_extract::{NoProgress, ScanProgress};
use polyver_model::Inventory;

/// One run on one repository.
pub struct Engine {
    pub settings: Settings,
}

impl Engine {
    /// Resolves the settings for `root` (see [`Settings::resolve`]).
    pub fn new(root: &std::path::Path, overrides: &Overrides) -> Result<Engine, EngineError> {
        Ok(Engine {
            settings: Settings::resolve(root, overrides)?,
        })
    }

    /// Scans the repository with every registered format.
    pub fn scan(&self) -> Result<Inventory, EngineError> {
        self.scan_observed(&NoProgress)
    }

    /// [`Engine::scan`], reporting progress (a bar on a terminal).
    pub fn scan_observed(&self, progress: &dyn ScanProgress) -> Result<Inventory, EngineError> {
        let extractors = polyver_extract::registry::extractors();
        polyver_extract::scan_observed(
            &self.settings.root,
            &self.settings.scan,
            &extractors,
            progress,
        )
        .map_err(|e| {
            EngineError::input(
                format!("cannot scan {}: {e}", self.settings.root.display()),
                Some("give the repository's root directory".to_string()),
            )
        })
    }

    /// Prepares the CI gate (policy and database, before the scan).
    pub fn gate(&self, options: GateOptions) -> Result<PreparedGate<'_>, EngineError> {
        Gate::prepare(&self.settings, options)
    }
}
