//! End-to-end tests: the real `blason` command on small fixture sites, one
//! module per area. tests/README.md says how the fixtures are laid out and
//! how to add a case.

mod support;

mod accessibility;
mod audit;
mod build;
mod cards;
mod cli;
mod community;
mod data;
mod data_cache;
mod errors;
mod html;
mod images;
mod languages;
mod maps;
mod opendata;
mod output;
mod plan;
mod postcard;
mod practical;
mod press;
mod search;
mod serve;
mod share;
mod strings;
mod sync;
mod theme;
mod trails;
mod zola;
