//! `crm_mon`: the cluster status (Pacemaker's `tools/crm_mon.c`,
//! `lib/pengine/pe_output.c`, `lib/pacemaker/pcmk_output.c`).
//!
//! The status comes from the scheduler library's unpacking of the CIB;
//! this module formats it in text and XML.

pub mod rsc;
