// SPDX-License-Identifier: GPL-2.0
//! Which template an entry is written in: a built-in one or a custom
//! format. What a file event gives the fields is collected in
//! `collect/extras.rs`.

use core::ops::Deref;
use ima_template::Template;
use kernel::prelude::*;
use kernel::sync::Arc;

/// A template: a built-in one, or one made from a format string (which
/// every entry written in it shares).
#[derive(Clone)]
pub(crate) enum TemplateRef {
    Builtin(&'static Template),
    Custom(Arc<Template>),
}

impl Deref for TemplateRef {
    type Target = Template;

    fn deref(&self) -> &Template {
        match self {
            Self::Builtin(t) => t,
            Self::Custom(t) => t,
        }
    }
}

impl TemplateRef {
    /// The host template `ima_params` chose from the parameters.
    pub(crate) fn from_choice(choice: ima_params::TemplateChoice) -> Result<Self> {
        Ok(match choice {
            ima_params::TemplateChoice::Builtin(t) => Self::Builtin(t),
            ima_params::TemplateChoice::Custom(t) => Self::Custom(Arc::new(t, GFP_KERNEL)?),
        })
    }

    /// `ima_template=` / `ima_template_fmt=`: a built-in template by name
    /// or format string, else a custom format. Anything else is `EINVAL`:
    /// upstream's `ENOENT` for an unknown field reads as "no such file"
    /// on a control-file write, where the name is the invalid argument.
    pub(crate) fn parse(text: &str) -> Result<Self> {
        if let Some(t) = Template::lookup(text) {
            return Ok(Self::Builtin(t));
        }
        match Template::parse_fmt(text) {
            Ok(t) => Ok(Self::Custom(Arc::new(t, GFP_KERNEL)?)),
            Err(e) => {
                pr_err!(
                    "template \"{}\": not a template name or field list ({:?})\n",
                    text,
                    e
                );
                Err(EINVAL)
            }
        }
    }
}
