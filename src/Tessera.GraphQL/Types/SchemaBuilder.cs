using Tessera.GraphQL.Language;
using Tessera.GraphQL.Utilities;
// The resolver contract is the one name the type system takes from Execution (docs/adr/0005).
using ResolveFieldContext = Tessera.GraphQL.Execution.ResolveFieldContext;

namespace Tessera.GraphQL.Types;

/// <summary>
/// Builds a <see cref="Schema"/> SDL-first: parse the SDL, then bind resolvers, type resolvers, scalar and enum
/// implementations by name, then <see cref="Build"/>. Unbound fields use the default resolver (same-named property).
/// <code>
/// var schema = SchemaBuilder.FromSdl("type Query { profile: Profile! } type Profile { id: ID! }")
///     .Bind("Query", "profile", ctx => profiles.Current(ctx.UserContext))
///     .Build();
/// </code>
/// </summary>
public sealed class SchemaBuilder
{
    private readonly DocumentNode _document;
    private readonly List<(string Type, string Field, FieldResolver Resolver)> _resolvers = [];
    private readonly List<(FieldResolver Bound, Func<object?, object?> FromSource)> _sourceResolvers = [];
    private readonly Dictionary<string, TypeResolver> _typeResolvers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<object?, bool>> _isTypeOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ScalarType> _scalars = new(StringComparer.Ordinal);
    private readonly List<(string Enum, string Value, object Internal)> _enumValues = [];

    private SchemaBuilder(DocumentNode document) => _document = document;

    /// <summary>Starts from SDL text. Throws <see cref="GraphQLSyntaxError"/> when it does not parse.</summary>
    public static SchemaBuilder FromSdl(string sdl) => new(Parser.Parse(sdl));

    /// <summary>Starts from a parsed SDL document.</summary>
    public static SchemaBuilder FromDocument(DocumentNode document) => new(document ?? throw new ArgumentNullException(nameof(document)));

    /// <summary>Builds a schema from SDL with default resolvers only (like graphql-js <c>buildSchema</c>).</summary>
    public static Schema BuildFromSdl(string sdl) => FromSdl(sdl).Build();

    /// <summary>Binds a resolver that may complete asynchronously. Bound on an interface field, it also serves implementations that have none of their own.</summary>
    public SchemaBuilder Bind(string typeName, string fieldName, FieldResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolvers.Add((typeName, fieldName, resolver));
        return this;
    }

    /// <summary>Binds a synchronous resolver.</summary>
    public SchemaBuilder Bind(string typeName, string fieldName, Func<ResolveFieldContext, object?> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return Bind(typeName, fieldName, ctx => new ValueTask<object?>(resolver(ctx)));
    }

    /// <summary>Binds a Task-returning resolver.</summary>
    public SchemaBuilder BindAsync<T>(string typeName, string fieldName, Func<ResolveFieldContext, Task<T>> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return Bind(typeName, fieldName, ctx =>
        {
            var task = resolver(ctx);
            return task.IsCompletedSuccessfully ? new ValueTask<object?>(task.Result) : Await(task);
        });

        static async ValueTask<object?> Await(Task<T> task) => await task.ConfigureAwait(false);
    }

    /// <summary>
    /// Binds a resolver that only needs the parent value, typed. The executor calls it without building a
    /// <see cref="ResolveFieldContext"/>: the cheapest kind of resolver for fields computed from their parent.
    /// </summary>
    public SchemaBuilder BindSource<TSource>(string typeName, string fieldName, Func<TSource, object?> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        FieldResolver bound = ctx => new ValueTask<object?>(resolver((TSource)ctx.Source!));
        _sourceResolvers.Add((bound, source => resolver((TSource)source!)));
        return Bind(typeName, fieldName, bound);
    }

    /// <summary>Sets how an interface or union finds the object type name of a value.</summary>
    public SchemaBuilder ResolveType(string abstractTypeName, TypeResolver resolver)
    {
        _typeResolvers[abstractTypeName] = resolver;
        return this;
    }

    /// <summary>Sets how to recognize values of an object type (used when its interfaces/unions have no type resolver).</summary>
    public SchemaBuilder IsTypeOf(string objectTypeName, Func<object?, bool> isTypeOf)
    {
        _isTypeOf[objectTypeName] = isTypeOf;
        return this;
    }

    /// <summary>Values of CLR type <typeparamref name="T"/> are of the object type <paramref name="objectTypeName"/>.</summary>
    public SchemaBuilder IsTypeOf<T>(string objectTypeName) => IsTypeOf(objectTypeName, static value => value is T);

    /// <summary>Supplies the implementation of a scalar declared in the SDL (same name). The instance becomes part of this schema: use a new one per schema.</summary>
    public SchemaBuilder Scalar(ScalarType implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        _scalars[implementation.Name] = implementation;
        return this;
    }

    /// <summary>Maps an enum value to the internal value resolvers return and receive (e.g. a CLR enum member).</summary>
    public SchemaBuilder EnumValue(string enumName, string valueName, object internalValue)
    {
        _enumValues.Add((enumName, valueName, internalValue));
        return this;
    }

    /// <summary>Maps every member of a CLR enum to the GraphQL enum value whose name matches (case-insensitive, underscores ignored).</summary>
    public SchemaBuilder EnumValues<TEnum>(string enumName)
        where TEnum : struct, Enum
    {
        foreach (var value in Enum.GetValues<TEnum>())
        {
            _enumValues.Add((enumName, "\0" + value, value));
        }

        return this;
    }

    /// <summary>Builds and validates the schema. Throws <see cref="SchemaValidationException"/> listing every problem.</summary>
    public Schema Build()
    {
        var errors = new List<string>();
        var built = SdlTypeBuilder.Build(_document, errors, _scalars, includeSpecifiedScalars: true);
        var types = built.Types;
        var interfaceBindings = new List<(InterfaceType Interface, string Field, FieldResolver Resolver)>();

        foreach (var (typeName, fieldName, resolver) in _resolvers)
        {
            if (types.GetValueOrDefault(typeName) is not ComplexType complex)
            {
                errors.Add($"Cannot bind a resolver to \"{typeName}.{fieldName}\": there is no object type \"{typeName}\".");
                continue;
            }

            var field = complex.GetField(fieldName);
            if (field is null)
            {
                errors.Add($"Cannot bind a resolver to \"{typeName}.{fieldName}\": type \"{typeName}\" has no field \"{fieldName}\".");
                continue;
            }

            field.Resolver = resolver;
            if (complex is InterfaceType iface)
            {
                // A resolver bound on an interface field serves every implementation that has no resolver of its own.
                interfaceBindings.Add((iface, fieldName, resolver));
            }
        }

        // The last binding of a field wins: a BindSource counts only while its resolver is still the field's.
        var fromSource = _sourceResolvers.ToDictionary(r => r.Bound, r => r.FromSource);
        foreach (var (typeName, fieldName, _) in _resolvers)
        {
            if (types.GetValueOrDefault(typeName) is ObjectType objectType && objectType.GetField(fieldName) is { Resolver: { } resolver } field
                && fromSource.TryGetValue(resolver, out var function))
            {
                field.SetSourceResolver(function);
            }
        }

        foreach (var (iface, fieldName, resolver) in interfaceBindings)
        {
            foreach (var type in types.Values)
            {
                if (type is ObjectType objectType && objectType.Interfaces.Contains(iface) &&
                    objectType.GetField(fieldName) is { Resolver: null } implementation && !_resolvers.Any(r => r.Type == objectType.Name && r.Field == fieldName))
                {
                    implementation.Resolver = resolver;
                }
            }
        }

        foreach (var (name, resolver) in _typeResolvers)
        {
            switch (types.GetValueOrDefault(name))
            {
                case InterfaceType i: i.ResolveType = resolver; break;
                case UnionType u: u.ResolveType = resolver; break;
                default: errors.Add($"Cannot set a type resolver on \"{name}\": it is not an interface or union."); break;
            }
        }

        foreach (var (name, isTypeOf) in _isTypeOf)
        {
            if (types.GetValueOrDefault(name) is ObjectType o)
            {
                o.IsTypeOf = isTypeOf;
            }
            else
            {
                errors.Add($"Cannot set IsTypeOf on \"{name}\": it is not an object type.");
            }
        }

        foreach (var (enumName, valueName, internalValue) in _enumValues)
        {
            if (types.GetValueOrDefault(enumName) is not EnumType enumType)
            {
                errors.Add($"Cannot map values of \"{enumName}\": it is not an enum type.");
                continue;
            }

            if (valueName.StartsWith('\0'))
            {
                var clrName = valueName[1..];
                foreach (var value in enumType.Values)
                {
                    if (string.Equals(value.Name.Replace("_", string.Empty, StringComparison.Ordinal), clrName.Replace("_", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
                    {
                        value.Value = internalValue;
                    }
                }

                continue;
            }

            var definition = enumType.GetValue(valueName);
            if (definition is null)
            {
                errors.Add($"Cannot map \"{enumName}.{valueName}\": no such enum value.");
                continue;
            }

            definition.Value = internalValue;
        }

        if (errors.Count > 0)
        {
            throw new SchemaValidationException(errors);
        }

        var schema = Schema.CreateCore(built.Query, built.Mutation, built.Subscription, built.TypeOrder, built.Directives, built.Description, errors);
        schema.AstNode = built.SchemaDefinition;
        return schema;
    }
}

/// <summary>Turns type system definitions into type objects (graphql-js <c>extendSchemaImpl</c>, simplified).</summary>
internal static class SdlTypeBuilder
{
    internal sealed class Result
    {
        public required Dictionary<string, NamedType> Types { get; init; }

        public required List<NamedType> TypeOrder { get; init; }

        public required List<DirectiveDefinition> Directives { get; init; }

        public ObjectType? Query { get; set; }

        public ObjectType? Mutation { get; set; }

        public ObjectType? Subscription { get; set; }

        public string? Description { get; set; }

        public SchemaDefinitionNode? SchemaDefinition { get; set; }
    }

    public static Result Build(DocumentNode document, List<string> errors, IReadOnlyDictionary<string, ScalarType>? scalars,
        bool includeSpecifiedScalars, IReadOnlyDictionary<string, NamedType>? predefined = null)
    {
        var typeDefinitions = new List<TypeDefinitionNode>();
        var extensions = new Dictionary<string, List<TypeDefinitionNode>>(StringComparer.Ordinal);
        var directiveDefinitions = new List<DirectiveDefinitionNode>();
        SchemaDefinitionNode? schemaDefinition = null;
        var schemaExtensions = new List<SchemaExtensionNode>();
        var definedNames = new HashSet<string>(StringComparer.Ordinal);
        var directiveNames = new HashSet<string>(StringComparer.Ordinal);

        foreach (var definition in document.Definitions)
        {
            switch (definition)
            {
                case SchemaDefinitionNode s:
                    if (schemaDefinition is not null)
                    {
                        errors.Add("Must provide only one schema definition.");
                    }

                    schemaDefinition ??= s;
                    break;
                case SchemaExtensionNode e:
                    schemaExtensions.Add(e);
                    break;
                case TypeDefinitionNode t when t.IsExtension:
                    (extensions.TryGetValue(t.Name.Value, out var list) ? list : extensions[t.Name.Value] = []).Add(t);
                    break;
                case TypeDefinitionNode t:
                    if (!definedNames.Add(t.Name.Value))
                    {
                        errors.Add($"There can be only one type named \"{t.Name.Value}\".");
                        continue;
                    }

                    typeDefinitions.Add(t);
                    break;
                case DirectiveDefinitionNode d:
                    if (!directiveNames.Add(d.Name.Value))
                    {
                        errors.Add($"There can be only one directive named \"@{d.Name.Value}\".");
                        continue;
                    }

                    directiveDefinitions.Add(d);
                    break;
                case ExecutableDefinitionNode e:
                    errors.Add(e is OperationDefinitionNode
                        ? "A schema document cannot contain operations."
                        : $"A schema document cannot contain fragments (\"{e.Name?.Value}\").");
                    break;
            }
        }

        var types = new Dictionary<string, NamedType>(StringComparer.Ordinal);
        if (predefined is not null)
        {
            foreach (var (name, type) in predefined)
            {
                types[name] = type;
            }
        }

        if (includeSpecifiedScalars)
        {
            foreach (var scalar in ScalarType.SpecifiedScalars)
            {
                types.TryAdd(scalar.Name, scalar);
            }

            foreach (var type in Introspection.Types)
            {
                types.TryAdd(type.Name, type);
            }
        }

        var order = new List<NamedType>();
        foreach (var definition in typeDefinitions)
        {
            var name = definition.Name.Value;
            var description = definition.Description?.Value;
            NamedType type;
            switch (definition)
            {
                case ScalarTypeDefinitionNode:
                    if (types.GetValueOrDefault(name) is ScalarType { IsSpecifiedScalar: true } specified)
                    {
                        type = specified;
                    }
                    else if (scalars is not null && scalars.TryGetValue(name, out var implementation))
                    {
                        type = implementation;
                        type.Description ??= description;
                    }
                    else
                    {
                        type = new ScalarType(name, description);
                    }

                    break;
                case ObjectTypeDefinitionNode { IsInterface: true }:
                    type = new InterfaceType(name, description);
                    break;
                case ObjectTypeDefinitionNode:
                    type = new ObjectType(name, description);
                    break;
                case UnionTypeDefinitionNode:
                    type = new UnionType(name, description);
                    break;
                case EnumTypeDefinitionNode:
                    type = new EnumType(name, description);
                    break;
                default:
                    type = new InputObjectType(name, description);
                    break;
            }

            if (types.TryGetValue(name, out var existing) && !ReferenceEquals(existing, type))
            {
                errors.Add($"Type \"{name}\" already exists in the schema. It cannot also be defined in this type definition.");
                continue;
            }

            if (!(type is ScalarType { IsSpecifiedScalar: true }))
            {
                type.AstNode = definition;
            }

            types[name] = type;
            order.Add(type);
        }

        foreach (var (name, list) in extensions)
        {
            if (!types.TryGetValue(name, out var type) || (predefined?.ContainsKey(name) ?? false) || type.IsIntrospectionType)
            {
                errors.Add($"Cannot extend type \"{name}\" because it is not defined.");
                continue;
            }

            foreach (var extension in list)
            {
                var matches = (type, extension) switch
                {
                    (ScalarType, ScalarTypeDefinitionNode) => true,
                    (ObjectType, ObjectTypeDefinitionNode { IsInterface: false }) => true,
                    (InterfaceType, ObjectTypeDefinitionNode { IsInterface: true }) => true,
                    (UnionType, UnionTypeDefinitionNode) => true,
                    (EnumType, EnumTypeDefinitionNode) => true,
                    (InputObjectType, InputObjectTypeDefinitionNode) => true,
                    _ => false,
                };
                if (!matches)
                {
                    errors.Add($"Cannot extend non-{KindName(type)} type \"{name}\".");
                    continue;
                }

                type.ExtensionAstNodes.Add(extension);
            }
        }

        var knownDirectives = new HashSet<string>(directiveNames, StringComparer.Ordinal);
        foreach (var specified in DirectiveDefinition.SpecifiedDirectives)
        {
            knownDirectives.Add(specified.Name);
        }

        GraphQLType? Resolve(TypeNode node)
        {
            switch (node)
            {
                case NamedTypeNode named:
                    if (types.TryGetValue(named.Name.Value, out var type))
                    {
                        return type;
                    }

                    errors.Add($"Unknown type \"{named.Name.Value}\".");
                    return null;
                case ListTypeNode list:
                    return Resolve(list.Type) is { } inner ? new ListType(inner) : null;
                case NonNullTypeNode nonNull:
                    return Resolve(nonNull.Type) is { } innerType ? new NonNullType(innerType) : null;
                default:
                    return null;
            }
        }

        void CheckDirectives(IReadOnlyList<DirectiveNode> directives, List<NamedType>? _ = null)
        {
            foreach (var directive in directives)
            {
                if (!knownDirectives.Contains(directive.Name.Value))
                {
                    errors.Add($"Unknown directive \"@{directive.Name.Value}\".");
                }
            }
        }

        InputValueDefinition? BuildInputValue(InputValueDefinitionNode node)
        {
            CheckDirectives(node.Directives);
            var type = Resolve(node.Type);
            if (type is null)
            {
                return null;
            }

            return new InputValueDefinition(node.Name.Value, type)
            {
                Description = node.Description?.Value,
                DefaultValueLiteral = node.DefaultValue,
                DeprecationReason = DeprecationReason(node.Directives),
                AstNode = node,
            };
        }

        foreach (var type in order)
        {
            if (type is ScalarType { IsSpecifiedScalar: true })
            {
                continue; // built-in scalars are shared and never changed by SDL
            }

            var nodes = new List<TypeDefinitionNode> { type.AstNode ?? (TypeDefinitionNode)typeDefinitions.First(d => d.Name.Value == type.Name) };
            nodes.AddRange(type.ExtensionAstNodes);
            foreach (var node in nodes)
            {
                CheckDirectives(node.Directives);
                foreach (var directive in node.Directives)
                {
                    type.AppliedDirectives.Add(directive);
                }

                switch (type, node)
                {
                    case (ComplexType complex, ObjectTypeDefinitionNode objectNode):
                        foreach (var interfaceNode in objectNode.Interfaces)
                        {
                            var iface = Resolve(interfaceNode);
                            if (iface is InterfaceType interfaceType)
                            {
                                complex.AddInterface(interfaceType);
                            }
                            else if (iface is not null)
                            {
                                errors.Add($"Type {complex.Name} must only implement Interface types, it cannot implement {iface}.");
                            }
                        }

                        foreach (var fieldNode in objectNode.Fields)
                        {
                            CheckDirectives(fieldNode.Directives);
                            var fieldType = Resolve(fieldNode.Type);
                            if (fieldType is null)
                            {
                                continue;
                            }

                            var field = new FieldDefinition(fieldNode.Name.Value, fieldType)
                            {
                                Description = fieldNode.Description?.Value,
                                DeprecationReason = DeprecationReason(fieldNode.Directives),
                                AstNode = fieldNode,
                            };
                            foreach (var argumentNode in fieldNode.Arguments)
                            {
                                if (BuildInputValue(argumentNode) is { } argument)
                                {
                                    field.AddArgument(argument);
                                }
                            }

                            complex.AddField(field);
                        }

                        break;
                    case (UnionType union, UnionTypeDefinitionNode unionNode):
                        foreach (var memberNode in unionNode.Types)
                        {
                            if (Resolve(memberNode) is NamedType member)
                            {
                                union.AddDeclared(member);
                            }
                        }

                        break;
                    case (EnumType enumType, EnumTypeDefinitionNode enumNode):
                        foreach (var valueNode in enumNode.Values)
                        {
                            CheckDirectives(valueNode.Directives);
                            enumType.AddValue(new EnumValueDefinition(valueNode.Name.Value)
                            {
                                Description = valueNode.Description?.Value,
                                DeprecationReason = DeprecationReason(valueNode.Directives),
                                AstNode = valueNode,
                            });
                        }

                        break;
                    case (InputObjectType input, InputObjectTypeDefinitionNode inputNode):
                        foreach (var fieldNode in inputNode.Fields)
                        {
                            if (BuildInputValue(fieldNode) is { } field)
                            {
                                input.AddField(field);
                            }
                        }

                        if (HasDirective(inputNode.Directives, "oneOf"))
                        {
                            input.IsOneOf = true;
                        }

                        break;
                    case (ScalarType scalar, ScalarTypeDefinitionNode scalarNode):
                        if (FindDirective(scalarNode.Directives, "specifiedBy") is { } specifiedBy &&
                            GetDirectiveArgument(specifiedBy, "url") is string url)
                        {
                            scalar.SpecifiedByUrl = url;
                        }

                        break;
                }
            }
        }

        var directives = new List<DirectiveDefinition>();
        foreach (var node in directiveDefinitions)
        {
            var locations = new List<DirectiveLocation>();
            foreach (var locationNode in node.Locations)
            {
                if (DirectiveLocations.TryParse(locationNode.Value, out var location))
                {
                    locations.Add(location);
                }
            }

            var directive = new DirectiveDefinition(node.Name.Value, locations, node.Description?.Value, node.Repeatable) { AstNode = node };
            foreach (var argumentNode in node.Arguments)
            {
                if (BuildInputValue(argumentNode) is { } argument)
                {
                    directive.AddArgument(argument);
                }
            }

            directives.Add(directive);
        }

        // Default values are coerced once every type is complete (input objects may reference later types).
        void CoerceDefault(InputValueDefinition value, string owner)
        {
            if (value.DefaultValueLiteral is null)
            {
                return;
            }

            var coerced = ValueCoercion.ValueFromAst(value.DefaultValueLiteral, value.Type, null);
            if (coerced == ValueCoercion.Invalid)
            {
                errors.Add($"Default value of {owner} is not a valid {value.Type}: {Printer.Print(value.DefaultValueLiteral)}.");
                return;
            }

            value.DefaultValue = coerced;
        }

        // Input object fields first: argument defaults may include input objects whose fields have defaults.
        foreach (var type in order)
        {
            if (type is InputObjectType input)
            {
                foreach (var field in input.Fields)
                {
                    CoerceDefault(field, $"{input.Name}.{field.Name}");
                }
            }
        }

        foreach (var type in order)
        {
            if (type is ComplexType complex)
            {
                foreach (var field in complex.Fields)
                {
                    foreach (var argument in field.Arguments)
                    {
                        CoerceDefault(argument, $"{complex.Name}.{field.Name}({argument.Name}:)");
                    }
                }
            }
        }

        foreach (var directive in directives)
        {
            foreach (var argument in directive.Arguments)
            {
                CoerceDefault(argument, $"@{directive.Name}({argument.Name}:)");
            }
        }

        var result = new Result { Types = types, TypeOrder = order, Directives = directives, SchemaDefinition = schemaDefinition };
        var operationTypes = new List<OperationTypeDefinitionNode>();
        if (schemaDefinition is not null)
        {
            CheckDirectives(schemaDefinition.Directives);
            operationTypes.AddRange(schemaDefinition.OperationTypes);
            result.Description = schemaDefinition.Description?.Value;
        }

        foreach (var extension in schemaExtensions)
        {
            CheckDirectives(extension.Directives);
            operationTypes.AddRange(extension.OperationTypes);
        }

        if (schemaDefinition is not null || operationTypes.Count > 0)
        {
            var seen = new HashSet<OperationType>();
            foreach (var operationType in operationTypes)
            {
                var label = Printer.OperationName(operationType.Operation);
                if (!seen.Add(operationType.Operation))
                {
                    errors.Add($"There can be only one {label} type in schema.");
                    continue;
                }

                var rootType = Resolve(operationType.Type);
                SetRoot(result, operationType.Operation, rootType, errors);
            }
        }
        else
        {
            SetRoot(result, OperationType.Query, types.GetValueOrDefault("Query") is { } q && order.Contains(q) ? q : null, errors);
            SetRoot(result, OperationType.Mutation, types.GetValueOrDefault("Mutation") is { } m && order.Contains(m) ? m : null, errors);
            SetRoot(result, OperationType.Subscription, types.GetValueOrDefault("Subscription") is { } s && order.Contains(s) ? s : null, errors);
        }

        return result;
    }

    private static void SetRoot(Result result, OperationType operation, GraphQLType? type, List<string> errors)
    {
        if (type is null)
        {
            return;
        }

        if (type is not ObjectType objectType)
        {
            var label = operation switch { OperationType.Query => "Query", OperationType.Mutation => "Mutation", _ => "Subscription" };
            errors.Add($"{label} root type must be Object type{(operation == OperationType.Query ? string.Empty : " if provided")}, it cannot be {type}.");
            return;
        }

        switch (operation)
        {
            case OperationType.Query: result.Query = objectType; break;
            case OperationType.Mutation: result.Mutation = objectType; break;
            default: result.Subscription = objectType; break;
        }
    }

    private static string KindName(NamedType type) => type switch
    {
        ScalarType => "scalar",
        ObjectType => "object",
        InterfaceType => "interface",
        UnionType => "union",
        EnumType => "enum",
        _ => "input object",
    };

    private static bool HasDirective(IReadOnlyList<DirectiveNode> directives, string name) => FindDirective(directives, name) is not null;

    private static DirectiveNode? FindDirective(IReadOnlyList<DirectiveNode> directives, string name)
    {
        foreach (var directive in directives)
        {
            if (directive.Name.Value == name)
            {
                return directive;
            }
        }

        return null;
    }

    private static object? GetDirectiveArgument(DirectiveNode directive, string name)
    {
        foreach (var argument in directive.Arguments)
        {
            if (argument.Name.Value == name)
            {
                return ValueCoercion.ValueFromAstUntyped(argument.Value, null);
            }
        }

        return null;
    }

    private static string? DeprecationReason(IReadOnlyList<DirectiveNode> directives)
    {
        var deprecated = FindDirective(directives, "deprecated");
        if (deprecated is null)
        {
            return null;
        }

        return GetDirectiveArgument(deprecated, "reason") as string ?? "No longer supported";
    }
}
