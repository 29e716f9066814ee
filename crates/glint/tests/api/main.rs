//! Integration tests: each test starts the real server on port 0 with a fresh SQLite file and
//! blob directory (or a fresh PostgreSQL database and S3 prefix, see `helpers`), and talks HTTP
//! to it.

mod helpers;
mod v2_client;

mod auth;
mod concurrency;
mod crash;
mod hostile_input;
mod image_ids;
mod images;
mod images_errors;
mod inventory_v1;
mod inventory_v2;
mod keystone;
mod limits;
mod members;
mod members_errors;
mod openapi;
mod policy_file;
mod scale_out;
mod shared_images;
mod sharing_model;
mod v2_images;
mod v2_members;
mod v2_schemas;
mod versions;
mod visibility;
