export { Button, Spinner } from "./button.tsx";
export { Field, Input, Textarea, Select, Checkbox, FormError } from "./field.tsx";
export { PageHeader, Card, EmptyState, Badge, Table, Td, Code } from "./layout.tsx";
export { CopyButton } from "./copy-button.tsx";
export { ConfirmButton } from "./confirm-button.tsx";
export { useActionForm } from "./use-action-form.ts";
export { useLeaveGuard, LEAVE_WITH_UNSAVED } from "./use-leave-guard.ts";
