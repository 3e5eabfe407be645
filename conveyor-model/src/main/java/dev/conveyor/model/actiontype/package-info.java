/**
 * Action types and rule types: what each provider accepts (artifact counts, configuration properties) and which
 * pipeline type it needs. {@link dev.conveyor.model.actiontype.BuiltInActionTypes} lists the providers AWS
 * CodePipeline offers; custom types registered by CreateCustomActionType join them through
 * {@link dev.conveyor.model.actiontype.CompositeActionTypeRegistry}.
 */
package dev.conveyor.model.actiontype;
