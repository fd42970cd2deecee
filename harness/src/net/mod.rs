//! The network tier: upstream servers described once, in one vocabulary ([`World`]), and run
//! where a scenario needs them: inside a turmoil simulation on virtual time ([`sim`]), which
//! decides every timing verdict. The solution talks to them through the one client the harness
//! hands it ([`HttpClient`]), and the servers record what a solution cannot fake
//! ([`Record`]): each request's start and end on the world's clock, the requests in flight at
//! each instant, and the requests the client abandoned before their response. The same world
//! also runs on real loopback sockets ([`real`], wiremock's servers, real time) for the HTTP
//! contract itself; that tier decides no timing verdict.

mod client;
pub mod real;
mod record;
pub mod sim;
mod world;

pub use client::{HttpClient, HttpError, Page};
pub use record::{Record, Seen};
pub use world::{Reply, World};
