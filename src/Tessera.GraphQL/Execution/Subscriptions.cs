using System.Text.Json;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Execution;

/// <summary>
/// A subscription operation ready to run against events (spec 6.2.3): its one root field, that field's coerced
/// arguments, and everything needed to execute the selection set once per event. The host turns
/// <see cref="FieldName"/> and <see cref="Arguments"/> into a source stream (the spec's ResolveFieldEventStream);
/// the engine knows nothing of where events come from.
/// </summary>
public sealed class SubscriptionOperation
{
    internal SubscriptionOperation(DocumentNode document, OperationDefinitionNode operation, IReadOnlyDictionary<string, object?> variables,
        string fieldName, string responseName, IReadOnlyDictionary<string, object?> arguments)
    {
        Document = document;
        Operation = operation;
        Variables = variables;
        FieldName = fieldName;
        ResponseName = responseName;
        Arguments = arguments;
    }

    internal DocumentNode Document { get; }

    internal OperationDefinitionNode Operation { get; }

    /// <summary>The coerced variable values.</summary>
    public IReadOnlyDictionary<string, object?> Variables { get; }

    /// <summary>The root field subscribed to, e.g. <c>accountVerified</c>.</summary>
    public string FieldName { get; }

    /// <summary>The root field's response key (its alias, or its name).</summary>
    public string ResponseName { get; }

    /// <summary>The root field's arguments, coerced.</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; }
}

/// <summary>The outcome of <see cref="GraphQLService.Subscribe"/>: an operation to run per event, or the errors that stop it.</summary>
/// <param name="Operation">Set when the subscription may start.</param>
/// <param name="Errors">Request errors (syntax, validation, limits, variables, arguments, not a subscription); empty on success.</param>
public sealed record SubscribeResult(SubscriptionOperation? Operation, IReadOnlyList<GraphQLError> Errors);

/// <summary>Subscribe and MapSourceToResponseEvent (spec 6.2.3) over the ordinary execution of a selection set.</summary>
internal static class SubscriptionExecutor
{
    /// <summary>
    /// The operation <paramref name="operationName"/> selects from <paramref name="document"/> (spec GetOperation),
    /// or the error saying why none is.
    /// </summary>
    public static OperationDefinitionNode? SelectOperation(DocumentNode document, string? operationName, out GraphQLError? error)
    {
        OperationDefinitionNode? operation = null;
        error = null;
        foreach (var definition in document.Definitions)
        {
            if (definition is not OperationDefinitionNode op) continue;
            if (operationName is null)
            {
                if (operation is not null)
                {
                    error = new GraphQLError("Must provide operation name if query contains multiple operations.");
                    return null;
                }

                operation = op;
            }
            else if (op.Name?.Value == operationName)
            {
                operation = op;
            }
        }

        if (operation is null)
        {
            error = new GraphQLError(operationName is null ? "Must provide an operation." : $"Unknown operation named \"{operationName}\".");
        }

        return operation;
    }

    public static SubscribeResult Subscribe(Schema schema, DocumentNode document, string? operationName,
        IReadOnlyDictionary<string, object?>? rawVariables, JsonElement? variablesJson)
    {
        var operation = SelectOperation(document, operationName, out var error);
        if (operation is null) return Fail(error!);
        if (operation.Operation != OperationType.Subscription)
        {
            return Fail(new GraphQLError($"Only subscription operations run here, not a {Printer.OperationName(operation.Operation)}.", operation));
        }

        if (schema.SubscriptionType is not { } rootType)
        {
            return Fail(new GraphQLError("Schema is not configured to execute subscription operation.", operation));
        }

        if (rawVariables is null && variablesJson is { ValueKind: JsonValueKind.Object } json)
        {
            var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in json.EnumerateObject()) dictionary[property.Name] = property.Value;
            rawVariables = dictionary;
        }

        IReadOnlyDictionary<string, object?> variables = new Dictionary<string, object?>();
        if (operation.VariableDefinitions.Count > 0)
        {
            var variableErrors = new List<GraphQLError>();
            try
            {
                variables = ValueCoercion.CoerceVariableValues(schema, operation.VariableDefinitions, rawVariables, variableErrors);
            }
            catch (InsufficientExecutionStackException)
            {
                return Fail(new GraphQLError("Variable values are nested too deeply."));
            }

            if (variableErrors.Count > 0) return new SubscribeResult(null, variableErrors);
        }

        var fragments = new Dictionary<string, FragmentDefinitionNode>(StringComparer.Ordinal);
        foreach (var definition in document.Definitions)
        {
            if (definition is FragmentDefinitionNode fragment) fragments[fragment.Name!.Value] = fragment;
        }

        var context = new ExecutionContext { Schema = schema, Operation = operation, Fragments = fragments, Variables = variables };
        // Validation guarantees one root field, but only for the @skip/@include it could evaluate: variables decide here.
        var fields = FieldCollector.CollectFields(context, rootType, operation.SelectionSet).Fields;
        if (fields.Length != 1)
        {
            return Fail(new GraphQLError(fields.Length == 0
                ? "The subscription selects no root field."
                : "A subscription must select exactly one root field.", operation));
        }

        var field = fields[0];
        if (field.Definition.Name.StartsWith("__", StringComparison.Ordinal))
        {
            return Fail(new GraphQLError("A subscription must not select an introspection root field.", field.First));
        }

        IReadOnlyDictionary<string, object?> arguments;
        try
        {
            arguments = ValueCoercion.GetArgumentValues(field.Definition.Arguments, field.First.Arguments, variables, field.First);
        }
        catch (GraphQLError argumentError)
        {
            return Fail(argumentError);
        }

        return new SubscribeResult(new SubscriptionOperation(document, operation, variables, field.Definition.Name, field.ResponseName, arguments), []);
    }

    /// <summary>
    /// MapSourceToResponseEvent: executes the operation's selection set with the event as the root value, as a query
    /// is executed (errors in the data, never thrown).
    /// </summary>
    public static ValueTask<ExecutionResult> ExecuteEventAsync(Schema schema, SubscriptionOperation subscription, object? payload,
        object? userContext, IServiceProvider? services, CancellationToken cancellationToken) =>
        ExecutionEngine.ExecuteAsync(new ExecutionRequest
        {
            Schema = schema,
            Document = subscription.Document,
            OperationName = subscription.Operation.Name?.Value,
            Variables = subscription.Variables,
            RootValue = payload,
            UserContext = userContext,
            Services = services,
        }, subscription.Document, cancellationToken);

    private static SubscribeResult Fail(GraphQLError error) => new(null, [error]);
}
