//! The crate's errors; every message is the Chinese text a user reads and
//! names the element concerned.

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// The file is not well-formed XML or not BPMN.
    #[error("流程定义文件无法解析：{0}")]
    Syntax(String),
    /// The engine cannot run this element; `element` is its id (or tag).
    #[error("流程元素“{element}”：{reason}")]
    Element { element: String, reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("流程已经开始")]
    AlreadyStarted,
    #[error("流程已经办结")]
    Ended,
    #[error("当前没有待办的步骤“{0}”")]
    NotWaiting(String),
    #[error("步骤“{node}”应由{who}办理")]
    NotCandidate { node: String, who: String },
    #[error("分支“{0}”的条件都不成立，且没有默认路径")]
    NoPath(String),
    #[error("条件“{condition}”无法计算：{reason}")]
    Condition { condition: String, reason: String },
    #[error("流程定义中没有元素“{0}”")]
    Unknown(String),
    /// Routing went round gateways without stopping at a step (a
    /// definition that skipped validation).
    #[error("流程在“{0}”处反复流转，没有停在任何办理步骤")]
    Loop(String),
    /// The definition breaks a rule validation enforces (it was not
    /// validated); the text names the element.
    #[error("流程定义有误：{0}")]
    Invalid(String),
}

impl DefinitionError {
    pub fn element(element: impl Into<String>, reason: impl Into<String>) -> Self {
        DefinitionError::Element {
            element: element.into(),
            reason: reason.into(),
        }
    }
}
