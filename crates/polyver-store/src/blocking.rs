//! The synchronous face of the registry for the CLI: [`AsyncStore`] on a private
//! current-thread runtime, so blocking HTTP clients elsewhere never run inside one.

use super::redact;
use super::{
    AsyncStore, Backend, RepositorySummary, Result, ScanMeta, ScanRef, ScanSummary, StoreError,
    Usage,
};
use polyver_model::{Component, Ecosystem, Finding, Inventory};

/// The registry for synchronous callers: [`AsyncStore`] on a private current-thread runtime.
/// Never call it from inside another tokio runtime.
#[derive(Debug)]
pub struct Store {
    rt: tokio::runtime::Runtime,
    inner: AsyncStore,
}

impl Store {
    pub fn open(url: &str) -> Result<Store> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Connect {
                url: redact(url),
                source: sqlx::Error::Io(e),
            })?;
        let inner = rt.block_on(AsyncStore::open(url))?;
        Ok(Store { rt, inner })
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// See [`AsyncStore::check_integrity`].
    pub fn check_integrity(&self) -> Result<()> {
        self.rt.block_on(self.inner.check_integrity())
    }

    pub fn url(&self) -> &str {
        &self.inner.url
    }

    pub fn record(
        &self,
        meta: &ScanMeta,
        inventory: &Inventory,
        findings: &[Finding],
    ) -> Result<i64> {
        self.rt
            .block_on(self.inner.record(meta, inventory, findings))
    }

    pub fn history(&self, repository: &str, limit: u32) -> Result<Vec<ScanSummary>> {
        self.rt.block_on(self.inner.history(repository, limit))
    }

    pub fn repositories(&self) -> Result<Vec<RepositorySummary>> {
        self.rt.block_on(self.inner.repositories())
    }

    pub fn resolve(&self, repository: &str, which: &ScanRef) -> Result<ScanSummary> {
        self.rt.block_on(self.inner.resolve(repository, which))
    }

    pub fn components(&self, scan_id: i64) -> Result<Vec<Component>> {
        self.rt.block_on(self.inner.components(scan_id))
    }

    pub fn findings(&self, scan_id: i64) -> Result<Vec<Finding>> {
        self.rt.block_on(self.inner.findings(scan_id))
    }

    pub fn usages(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        range: Option<&str>,
    ) -> Result<Vec<Usage>> {
        self.rt.block_on(self.inner.usages(ecosystem, name, range))
    }

    /// Run any async work against the store (tests, tools).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    pub fn inner(&self) -> &AsyncStore {
        &self.inner
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Close connections on our own runtime so SQLite checkpoints and PostgreSQL sessions
        // end cleanly instead of being dropped mid-flight.
        self.rt.block_on(self.inner.pool.close());
    }
}
