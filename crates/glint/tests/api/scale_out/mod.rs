//! Scaled-out operation: several glint processes over shared back ends, back-end outages, and
//! moving image data between stores.

mod migrate_store;
mod multi_instance;
mod outage;
pub(crate) mod process;
mod proxy;
