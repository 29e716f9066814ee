//! The glint binary's library half: configuration, start-up and telemetry, so that integration
//! tests can start the real server in-process on port 0.

pub mod config;
pub mod migrate_store;
pub mod policy_file;
pub mod server;
pub mod startup;
pub mod telemetry;
