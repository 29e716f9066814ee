//! Scaled-out operation: several glint processes over shared back ends, back-end outages, and
//! moving image data between stores.

mod migrate_store;
mod multi_instance;
mod outage;
mod process;
mod proxy;
