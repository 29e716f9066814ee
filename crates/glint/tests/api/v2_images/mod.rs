//! Images API v2 image calls against a real server: create, show, list, patch, delete, data,
//! tags and actions, with the secure-RBAC rules of DECISIONS D16.

mod create;
mod data;
mod list;
mod patch;
mod rbac;
mod tags_actions;
