using System.Collections;
using System.Text;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Utilities;

/// <summary>Input coercion (spec 6.1.2 and 6.4.1): variables, arguments and literals, worded like graphql-js.</summary>
public static class ValueCoercion
{
    /// <summary>Returned by <see cref="ValueFromAst"/> when a literal cannot be coerced (graphql-js <c>undefined</c>).</summary>
    public static readonly object Invalid = new InvalidMarker();

    private static readonly IReadOnlyDictionary<string, object?> s_noArguments = new Dictionary<string, object?>();

    /// <summary>Coerces a literal to <paramref name="type"/>; returns <see cref="Invalid"/> when it cannot (graphql-js <c>valueFromAST</c>).</summary>
    public static object? ValueFromAst(ValueNode? node, GraphQLType type, IReadOnlyDictionary<string, object?>? variables)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (node is null)
        {
            return Invalid;
        }

        if (node is VariableNode variable)
        {
            if (variables is null || !variables.TryGetValue(variable.Name.Value, out var value))
            {
                return Invalid;
            }

            if (value is null && type is NonNullType)
            {
                return Invalid;
            }

            return value;
        }

        if (type is NonNullType nonNull)
        {
            return node is NullValueNode ? Invalid : ValueFromAst(node, nonNull.OfType, variables);
        }

        if (node is NullValueNode)
        {
            return null;
        }

        switch (type)
        {
            case ListType list:
            {
                var itemType = list.OfType;
                if (node is ListValueNode listNode)
                {
                    var items = new List<object?>(listNode.Values.Count);
                    foreach (var itemNode in listNode.Values)
                    {
                        if (IsMissingVariable(itemNode, variables))
                        {
                            if (itemType is NonNullType)
                            {
                                return Invalid;
                            }

                            items.Add(null);
                            continue;
                        }

                        var item = ValueFromAst(itemNode, itemType, variables);
                        if (item == Invalid)
                        {
                            return Invalid;
                        }

                        items.Add(item);
                    }

                    return items;
                }

                var single = ValueFromAst(node, itemType, variables);
                return single == Invalid ? Invalid : new List<object?> { single };
            }

            case InputObjectType inputObject:
            {
                if (node is not ObjectValueNode objectNode)
                {
                    return Invalid;
                }

                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var field in inputObject.Fields)
                {
                    ObjectFieldNode? fieldNode = null;
                    foreach (var candidate in objectNode.Fields)
                    {
                        if (candidate.Name.Value == field.Name)
                        {
                            fieldNode = candidate;
                            break;
                        }
                    }

                    if (fieldNode is null || IsMissingVariable(fieldNode.Value, variables))
                    {
                        if (field.HasDefaultValue)
                        {
                            result[field.Name] = field.DefaultValue;
                        }
                        else if (field.Type is NonNullType)
                        {
                            return Invalid;
                        }

                        continue;
                    }

                    var fieldValue = ValueFromAst(fieldNode.Value, field.Type, variables);
                    if (fieldValue == Invalid)
                    {
                        return Invalid;
                    }

                    result[field.Name] = fieldValue;
                }

                if (inputObject.IsOneOf)
                {
                    if (result.Count != 1)
                    {
                        return Invalid;
                    }

                    foreach (var value in result.Values)
                    {
                        if (value is null)
                        {
                            return Invalid;
                        }
                    }
                }

                return result;
            }

            case ScalarType scalar:
                try
                {
                    return scalar.ParseLiteral(node, variables);
                }
                catch (Exception)
                {
                    return Invalid;
                }

            case EnumType enumType:
                try
                {
                    return enumType.ParseLiteral(node);
                }
                catch (Exception)
                {
                    return Invalid;
                }

            default:
                return Invalid;
        }
    }

    private static bool IsMissingVariable(ValueNode node, IReadOnlyDictionary<string, object?>? variables) =>
        node is VariableNode v && (variables is null || !variables.ContainsKey(v.Name.Value));

    /// <summary>Reads a literal without a type (graphql-js <c>valueFromASTUntyped</c>).</summary>
    public static object? ValueFromAstUntyped(ValueNode node, IReadOnlyDictionary<string, object?>? variables)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case NullValueNode: return null;
            case IntValueNode i:
                return int.TryParse(i.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
                    ? n
                    : double.Parse(i.Value, System.Globalization.CultureInfo.InvariantCulture);
            case FloatValueNode f: return double.Parse(f.Value, System.Globalization.CultureInfo.InvariantCulture);
            case StringValueNode s: return s.Value;
            case EnumValueNode e: return e.Value;
            case BooleanValueNode b: return b.Value;
            case ListValueNode l:
            {
                var list = new List<object?>(l.Values.Count);
                foreach (var item in l.Values)
                {
                    list.Add(ValueFromAstUntyped(item, variables));
                }

                return list;
            }

            case ObjectValueNode o:
            {
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var field in o.Fields)
                {
                    dictionary[field.Name.Value] = ValueFromAstUntyped(field.Value, variables);
                }

                return dictionary;
            }

            case VariableNode v:
                return variables is not null && variables.TryGetValue(v.Name.Value, out var value) ? value : null;
            default:
                return null;
        }
    }

    /// <summary>Coerces a runtime (variable) value to <paramref name="type"/>, reporting each problem through <paramref name="onError"/>.</summary>
    /// <param name="input">The value (JSON-like: dictionaries, lists, CLR leaves or JsonElement).</param>
    /// <param name="type">The input type.</param>
    /// <param name="onError">Receives the path inside the value, the offending value and the error.</param>
    public static object? CoerceInputValue(object? input, GraphQLType type, Action<IReadOnlyList<object>, object?, GraphQLError> onError) =>
        CoerceInputValue(JsonValues.ToPlain(input), type, onError, []);

    private static object? CoerceInputValue(object? input, GraphQLType type, Action<IReadOnlyList<object>, object?, GraphQLError> onError, List<object> path)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (type is NonNullType nonNull)
        {
            if (input is not null)
            {
                return CoerceInputValue(input, nonNull.OfType, onError, path);
            }

            onError(path.ToArray(), input, new GraphQLError($"Expected non-nullable type \"{type}\" not to be null."));
            return Invalid;
        }

        if (input is null)
        {
            return null;
        }

        switch (type)
        {
            case ListType list:
                if (JsonValues.IsList(input))
                {
                    var result = new List<object?>();
                    var index = 0;
                    foreach (var item in (IEnumerable)input)
                    {
                        path.Add(index);
                        result.Add(CoerceInputValue(item, list.OfType, onError, path));
                        path.RemoveAt(path.Count - 1);
                        index++;
                    }

                    return result;
                }

                return new List<object?> { CoerceInputValue(input, list.OfType, onError, path) };

            case InputObjectType inputObject:
            {
                if (input is not IReadOnlyDictionary<string, object?> fields)
                {
                    if (input is IDictionary<string, object?> mutable)
                    {
                        fields = new Dictionary<string, object?>(mutable);
                    }
                    else
                    {
                        onError(path.ToArray(), input, new GraphQLError($"Expected type \"{inputObject.Name}\" to be an object."));
                        return Invalid;
                    }
                }

                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var field in inputObject.Fields)
                {
                    if (!fields.TryGetValue(field.Name, out var fieldValue))
                    {
                        if (field.HasDefaultValue)
                        {
                            result[field.Name] = field.DefaultValue;
                        }
                        else if (field.Type is NonNullType)
                        {
                            onError(path.ToArray(), input, new GraphQLError($"Field \"{field.Name}\" of required type \"{field.Type}\" was not provided."));
                        }

                        continue;
                    }

                    path.Add(field.Name);
                    result[field.Name] = CoerceInputValue(fieldValue, field.Type, onError, path);
                    path.RemoveAt(path.Count - 1);
                }

                foreach (var key in fields.Keys)
                {
                    if (inputObject.GetField(key) is null)
                    {
                        var suggestions = Suggestions.List(key, inputObject.Fields.Select(f => f.Name));
                        onError(path.ToArray(), input, new GraphQLError($"Field \"{key}\" is not defined by type \"{inputObject.Name}\".{Suggestions.DidYouMean(suggestions)}"));
                    }
                }

                if (inputObject.IsOneOf)
                {
                    if (result.Count != 1)
                    {
                        onError(path.ToArray(), input, new GraphQLError($"Exactly one key must be specified for OneOf type \"{inputObject.Name}\"."));
                    }
                    else
                    {
                        foreach (var (key, value) in result)
                        {
                            if (value is null)
                            {
                                onError([.. path, key], value, new GraphQLError($"Field \"{key}\" must be non-null."));
                            }
                        }
                    }
                }

                return result;
            }

            case ScalarType scalar:
                try
                {
                    return scalar.ParseValue(input);
                }
                catch (GraphQLError error)
                {
                    onError(path.ToArray(), input, error);
                    return Invalid;
                }
                catch (Exception error)
                {
                    onError(path.ToArray(), input, new GraphQLError($"Expected type \"{scalar.Name}\". {error.Message}", innerException: error));
                    return Invalid;
                }

            case EnumType enumType:
                try
                {
                    return enumType.ParseValue(JsonValues.Normalize(input));
                }
                catch (GraphQLError error)
                {
                    onError(path.ToArray(), input, error);
                    return Invalid;
                }

            default:
                onError(path.ToArray(), input, new GraphQLError($"Expected type \"{type}\"."));
                return Invalid;
        }
    }

    /// <summary>Coerces the variable values of an operation (spec CoerceVariableValues); errors are worded like graphql-js.</summary>
    public static IReadOnlyDictionary<string, object?> CoerceVariableValues(Schema schema, IReadOnlyList<VariableDefinitionNode> definitions,
        IReadOnlyDictionary<string, object?>? inputs, List<GraphQLError> errors, int maxErrors = 50)
    {
        var coerced = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            var name = definition.Variable.Name.Value;
            var type = schema.TypeFromAst(definition.Type);
            if (type is null || !type.IsInputType)
            {
                errors.Add(new GraphQLError(
                    $"Variable \"${name}\" expected value of type \"{Printer.Print(definition.Type)}\" which cannot be used as an input type.", definition.Type));
                if (errors.Count >= maxErrors)
                {
                    return TooMany(errors);
                }

                continue;
            }

            if (inputs is null || !inputs.TryGetValue(name, out var value))
            {
                if (definition.DefaultValue is not null)
                {
                    // An invalid default (rejected by validation) counts as not provided, like graphql-js's undefined.
                    var defaultValue = ValueFromAst(definition.DefaultValue, type, null);
                    if (defaultValue != Invalid)
                    {
                        coerced[name] = defaultValue;
                    }
                }
                else if (type is NonNullType)
                {
                    errors.Add(new GraphQLError($"Variable \"${name}\" of required type \"{type}\" was not provided.", definition));
                }

                if (errors.Count >= maxErrors)
                {
                    return TooMany(errors);
                }

                continue;
            }

            value = JsonValues.ToPlain(value);
            if (value is null && type is NonNullType)
            {
                errors.Add(new GraphQLError($"Variable \"${name}\" of non-null type \"{type}\" must not be null.", definition));
                if (errors.Count >= maxErrors)
                {
                    return TooMany(errors);
                }

                continue;
            }

            var before = errors.Count;
            var result = CoerceInputValue(value, type, (path, invalid, error) =>
            {
                var message = new StringBuilder($"Variable \"${name}\" got invalid value {Inspector.Inspect(invalid)}");
                if (path.Count > 0)
                {
                    message.Append(" at \"").Append(name);
                    foreach (var key in path)
                    {
                        message.Append(key is int i ? $"[{i}]" : "." + key);
                    }

                    message.Append('"');
                }

                message.Append("; ").Append(error.Message);
                errors.Add(new GraphQLError(message.ToString(), GraphQLError.LocationsOf([definition]), extensions: error.Extensions, innerException: error.InnerException));
            }, []);
            if (errors.Count == before)
            {
                coerced[name] = result;
            }

            if (errors.Count >= maxErrors)
            {
                return TooMany(errors);
            }
        }

        return coerced;
    }

    private static Dictionary<string, object?> TooMany(List<GraphQLError> errors)
    {
        errors.Add(new GraphQLError("Too many errors processing variables, error limit reached. Execution aborted."));
        return [];
    }

    /// <summary>Coerces field or directive arguments (spec CoerceArgumentValues); throws <see cref="GraphQLError"/> like graphql-js.</summary>
    public static IReadOnlyDictionary<string, object?> GetArgumentValues(IReadOnlyList<InputValueDefinition> definitions, IReadOnlyList<ArgumentNode> nodes,
        IReadOnlyDictionary<string, object?>? variables, Node errorNode)
    {
        if (definitions.Count == 0)
        {
            return s_noArguments;
        }

        var coerced = new Dictionary<string, object?>(definitions.Count, StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            var name = definition.Name;
            var type = definition.Type;
            ArgumentNode? argumentNode = null;
            foreach (var node in nodes)
            {
                if (node.Name.Value == name)
                {
                    argumentNode = node;
                    break;
                }
            }

            if (argumentNode is null)
            {
                if (definition.HasDefaultValue)
                {
                    coerced[name] = definition.DefaultValue;
                }
                else if (type is NonNullType)
                {
                    throw new GraphQLError($"Argument \"{name}\" of required type \"{type}\" was not provided.", errorNode);
                }

                continue;
            }

            var valueNode = argumentNode.Value;
            var isNull = valueNode is NullValueNode;
            if (valueNode is VariableNode variable)
            {
                var variableName = variable.Name.Value;
                if (variables is null || !variables.TryGetValue(variableName, out var variableValue))
                {
                    if (definition.HasDefaultValue)
                    {
                        coerced[name] = definition.DefaultValue;
                    }
                    else if (type is NonNullType)
                    {
                        throw new GraphQLError(
                            $"Argument \"{name}\" of required type \"{type}\" was provided the variable \"${variableName}\" which was not provided a runtime value.", valueNode);
                    }

                    continue;
                }

                isNull = variableValue is null;
            }

            if (isNull && type is NonNullType)
            {
                throw new GraphQLError($"Argument \"{name}\" of non-null type \"{type}\" must not be null.", valueNode);
            }

            var value = ValueFromAst(valueNode, type, variables);
            if (value == Invalid)
            {
                throw new GraphQLError($"Argument \"{name}\" has invalid value {Printer.Print(valueNode)}.", valueNode);
            }

            coerced[name] = value;
        }

        return coerced;
    }

    /// <summary>Builds a literal for an internal input value (graphql-js <c>astFromValue</c>); null when it cannot.</summary>
    public static ValueNode? AstFromValue(object? value, GraphQLType type)
    {
        value = JsonValues.Normalize(value);
        if (type is NonNullType nonNull)
        {
            var inner = AstFromValue(value, nonNull.OfType);
            return inner is NullValueNode ? null : inner;
        }

        if (value is null)
        {
            return new NullValueNode();
        }

        switch (type)
        {
            case ListType list:
                if (JsonValues.IsList(value))
                {
                    var items = new List<ValueNode>();
                    foreach (var item in (IEnumerable)value)
                    {
                        if (AstFromValue(item, list.OfType) is { } itemNode)
                        {
                            items.Add(itemNode);
                        }
                    }

                    return new ListValueNode { Values = items };
                }

                return AstFromValue(value, list.OfType);
            case InputObjectType input:
            {
                if (JsonValues.ToPlain(value) is not IReadOnlyDictionary<string, object?> map)
                {
                    return null;
                }

                var fields = new List<ObjectFieldNode>();
                foreach (var field in input.Fields)
                {
                    if (map.TryGetValue(field.Name, out var fieldValue) && AstFromValue(fieldValue, field.Type) is { } fieldNode)
                    {
                        fields.Add(new ObjectFieldNode { Name = new NameNode(field.Name), Value = fieldNode });
                    }
                }

                return new ObjectValueNode { Fields = fields };
            }

            case EnumType enumType:
                return new EnumValueNode { Value = enumType.Serialize(value) };
            case ScalarType scalar:
            {
                var serialized = JsonValues.Normalize(scalar.Serialize(value));
                switch (serialized)
                {
                    case null: return null;
                    case bool b: return new BooleanValueNode { Value = b };
                    case string s:
                        if (scalar.Name == "ID" && IsIntegerString(s))
                        {
                            return new IntValueNode { Value = s };
                        }

                        return new StringValueNode { Value = s };
                }

                if (JsonValues.TryGetNumber(serialized, out var number) && double.IsFinite(number))
                {
                    var text = JsonValues.JsNumberToString(serialized);
                    return IsIntegerString(text) ? new IntValueNode { Value = text } : new FloatValueNode { Value = text };
                }

                return UntypedAst(serialized);
            }

            default:
                return null;
        }
    }

    private static bool IsIntegerString(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        var i = s[0] == '-' ? 1 : 0;
        if (i >= s.Length || (s[i] == '0' && s.Length > i + 1))
        {
            return false;
        }

        for (; i < s.Length; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static ValueNode UntypedAst(object? value)
    {
        value = JsonValues.Normalize(JsonValues.ToPlain(value));
        switch (value)
        {
            case null: return new NullValueNode();
            case bool b: return new BooleanValueNode { Value = b };
            case string s: return new StringValueNode { Value = s };
            case IReadOnlyDictionary<string, object?> map:
            {
                var fields = new List<ObjectFieldNode>();
                foreach (var (key, item) in map)
                {
                    fields.Add(new ObjectFieldNode { Name = new NameNode(key), Value = UntypedAst(item) });
                }

                return new ObjectValueNode { Fields = fields };
            }

            case IEnumerable list:
            {
                var items = new List<ValueNode>();
                foreach (var item in list)
                {
                    items.Add(UntypedAst(item));
                }

                return new ListValueNode { Values = items };
            }
        }

        if (JsonValues.TryGetNumber(value, out _))
        {
            var text = JsonValues.JsNumberToString(value);
            return IsIntegerString(text) ? new IntValueNode { Value = text } : new FloatValueNode { Value = text };
        }

        return new StringValueNode { Value = value.ToString() ?? string.Empty };
    }

    private sealed class InvalidMarker
    {
        public override string ToString() => "<invalid>";
    }
}
