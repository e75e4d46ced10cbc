using System.Collections.Frozen;
using Tessera.GraphQL.Language;

namespace Tessera.GraphQL.Types;

/// <summary>Thrown when a schema is invalid; <see cref="Errors"/> lists every problem found.</summary>
public sealed class SchemaValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SchemaValidationException(IReadOnlyList<string> errors)
        : base("Invalid schema:\n" + string.Join("\n", errors)) => Errors = errors;

    /// <summary>The problems found, one message each.</summary>
    public IReadOnlyList<string> Errors { get; }
}

/// <summary>
/// A built, validated, immutable schema: root types, every named type (including built-in scalars and the
/// introspection types) and directives. Build one with <see cref="SchemaBuilder"/> (SDL-first) or <see cref="Create"/>.
/// </summary>
public sealed class Schema
{
    private readonly FrozenDictionary<string, NamedType> _types;
    private readonly FrozenDictionary<string, DirectiveDefinition> _directives;
    private readonly Dictionary<NamedType, ObjectType[]> _possibleTypes = [];
    private readonly Dictionary<NamedType, HashSet<NamedType>> _subTypes = [];
    private readonly Dictionary<InterfaceType, (ObjectType[] Objects, InterfaceType[] Interfaces)> _implementations = [];

    private Schema(ObjectType? query, ObjectType? mutation, ObjectType? subscription, Dictionary<string, NamedType> types,
        IReadOnlyList<DirectiveDefinition> directives, string? description)
    {
        QueryType = query;
        MutationType = mutation;
        SubscriptionType = subscription;
        _types = types.ToFrozenDictionary(StringComparer.Ordinal);
        TypeList = types.Values.ToArray();
        Directives = directives;
        var directiveMap = new Dictionary<string, DirectiveDefinition>(StringComparer.Ordinal);
        foreach (var directive in directives)
        {
            directiveMap.TryAdd(directive.Name, directive);
        }

        _directives = directiveMap.ToFrozenDictionary(StringComparer.Ordinal);
        Description = description;

        var objectsByInterface = new Dictionary<InterfaceType, List<ObjectType>>();
        var interfacesByInterface = new Dictionary<InterfaceType, List<InterfaceType>>();
        foreach (var type in TypeList)
        {
            if (type is ComplexType complex)
            {
                foreach (var iface in complex.Interfaces)
                {
                    if (complex is ObjectType o)
                    {
                        (objectsByInterface.TryGetValue(iface, out var l) ? l : objectsByInterface[iface] = []).Add(o);
                    }
                    else if (complex is InterfaceType i)
                    {
                        (interfacesByInterface.TryGetValue(iface, out var l) ? l : interfacesByInterface[iface] = []).Add(i);
                    }
                }
            }
        }

        foreach (var type in TypeList)
        {
            switch (type)
            {
                case InterfaceType iface:
                {
                    var objects = objectsByInterface.TryGetValue(iface, out var ol) ? ol.ToArray() : [];
                    var interfaces = interfacesByInterface.TryGetValue(iface, out var il) ? il.ToArray() : [];
                    _implementations[iface] = (objects, interfaces);
                    _possibleTypes[iface] = objects;
                    var set = new HashSet<NamedType>(objects);
                    set.UnionWith(interfaces);
                    _subTypes[iface] = set;
                    break;
                }

                case UnionType union:
                    _possibleTypes[union] = union.Types.ToArray();
                    _subTypes[union] = new HashSet<NamedType>(union.Types);
                    break;
            }
        }
    }

    /// <summary>The schema description, or null.</summary>
    public string? Description { get; }

    /// <summary>The query root type (null only in an invalid schema, which is never returned).</summary>
    public ObjectType? QueryType { get; }

    /// <summary>The mutation root type, or null.</summary>
    public ObjectType? MutationType { get; }

    /// <summary>The subscription root type, or null.</summary>
    public ObjectType? SubscriptionType { get; }

    /// <summary>Every named type by name.</summary>
    public IReadOnlyDictionary<string, NamedType> Types => _types;

    /// <summary>Every named type, in the order they were collected.</summary>
    public IReadOnlyList<NamedType> TypeList { get; }

    /// <summary>Every directive, the specified ones included.</summary>
    public IReadOnlyList<DirectiveDefinition> Directives { get; }

    /// <summary>The SDL schema definition this schema was built from, if any.</summary>
    public SchemaDefinitionNode? AstNode { get; internal set; }

    /// <summary>Finds a named type.</summary>
    public NamedType? GetType(string name) => _types.GetValueOrDefault(name);

    /// <summary>Finds a directive by name (without <c>@</c>).</summary>
    public DirectiveDefinition? GetDirective(string name) => _directives.GetValueOrDefault(name);

    /// <summary>The root type of an operation type, or null.</summary>
    public ObjectType? GetRootType(OperationType operation) => operation switch
    {
        OperationType.Query => QueryType,
        OperationType.Mutation => MutationType,
        _ => SubscriptionType,
    };

    /// <summary>The object types an abstract type may resolve to (implementations of an interface, members of a union).</summary>
    public IReadOnlyList<ObjectType> GetPossibleTypes(NamedType abstractType) =>
        _possibleTypes.TryGetValue(abstractType, out var types) ? types : (abstractType is ObjectType o ? [o] : []);

    /// <summary>Objects and interfaces implementing an interface directly.</summary>
    public (IReadOnlyList<ObjectType> Objects, IReadOnlyList<InterfaceType> Interfaces) GetImplementations(InterfaceType interfaceType) =>
        _implementations.TryGetValue(interfaceType, out var value) ? value : ([], []);

    /// <summary>True when <paramref name="possibleType"/> is a possible runtime type of <paramref name="abstractType"/>.</summary>
    public bool IsPossibleType(NamedType abstractType, ObjectType possibleType) => IsSubType(abstractType, possibleType);

    /// <summary>True when <paramref name="maybeSubType"/> (an object or interface) implements or belongs to <paramref name="abstractType"/>.</summary>
    public bool IsSubType(NamedType abstractType, NamedType maybeSubType) =>
        _subTypes.TryGetValue(abstractType, out var set) && set.Contains(maybeSubType);

    /// <summary>Builds the type a type reference in a document names; null when a named type is unknown.</summary>
    public GraphQLType? TypeFromAst(TypeNode node) => node switch
    {
        NamedTypeNode named => GetType(named.Name.Value),
        ListTypeNode list => TypeFromAst(list.Type) is { } inner ? new ListType(inner) : null,
        NonNullTypeNode nonNull => TypeFromAst(nonNull.Type) is { } inner ? new NonNullType(inner) : null,
        _ => null,
    };

    /// <summary>
    /// Finds the definition of a field selected on <paramref name="parentType"/>, including the meta fields
    /// <c>__typename</c>, and <c>__schema</c> / <c>__type</c> on the query type. Null when there is none.
    /// </summary>
    public FieldDefinition? GetFieldDefinition(NamedType parentType, string fieldName)
    {
        if (fieldName.Length > 2 && fieldName[0] == '_' && fieldName[1] == '_')
        {
            if (fieldName == "__typename" && parentType.IsCompositeType)
            {
                return Introspection.TypeNameMetaField;
            }

            if (ReferenceEquals(parentType, QueryType))
            {
                if (fieldName == "__schema")
                {
                    return Introspection.SchemaMetaField;
                }

                if (fieldName == "__type")
                {
                    return Introspection.TypeMetaField;
                }
            }
        }

        return parentType is ComplexType complex ? complex.GetField(fieldName) : null;
    }

    /// <summary>True when two type references are the same type.</summary>
    public static bool IsEqualType(GraphQLType a, GraphQLType b) => (a, b) switch
    {
        _ when ReferenceEquals(a, b) => true,
        (NonNullType x, NonNullType y) => IsEqualType(x.OfType, y.OfType),
        (ListType x, ListType y) => IsEqualType(x.OfType, y.OfType),
        _ => false,
    };

    /// <summary>True when a value of <paramref name="maybeSubType"/> is always valid where <paramref name="superType"/> is expected.</summary>
    public bool IsTypeSubTypeOf(GraphQLType maybeSubType, GraphQLType superType)
    {
        if (ReferenceEquals(maybeSubType, superType))
        {
            return true;
        }

        if (superType is NonNullType superNonNull)
        {
            return maybeSubType is NonNullType subNonNull && IsTypeSubTypeOf(subNonNull.OfType, superNonNull.OfType);
        }

        if (maybeSubType is NonNullType sub)
        {
            return IsTypeSubTypeOf(sub.OfType, superType);
        }

        if (superType is ListType superList)
        {
            return maybeSubType is ListType subList && IsTypeSubTypeOf(subList.OfType, superList.OfType);
        }

        if (maybeSubType is ListType)
        {
            return false;
        }

        return superType.IsAbstractType && maybeSubType is ComplexType && IsSubType((NamedType)superType, (NamedType)maybeSubType);
    }

    /// <summary>True when two composite types can share a runtime object type.</summary>
    public bool DoTypesOverlap(NamedType a, NamedType b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.IsAbstractType)
        {
            if (b.IsAbstractType)
            {
                foreach (var type in GetPossibleTypes(a))
                {
                    if (IsSubType(b, type))
                    {
                        return true;
                    }
                }

                return false;
            }

            return b is ObjectType bo && IsSubType(a, bo);
        }

        return b.IsAbstractType && a is ObjectType ao && IsSubType(b, ao);
    }

    /// <summary>
    /// Builds and validates a schema from type objects built in code. Types reachable from the roots are collected
    /// automatically; pass <paramref name="types"/> for types only reachable as implementations.
    /// Throws <see cref="SchemaValidationException"/> when the schema is invalid.
    /// </summary>
    public static Schema Create(ObjectType? query, ObjectType? mutation = null, ObjectType? subscription = null,
        IEnumerable<NamedType>? types = null, IEnumerable<DirectiveDefinition>? directives = null, string? description = null) =>
        CreateCore(query, mutation, subscription, types, directives, description, null);

    internal static Schema CreateCore(ObjectType? query, ObjectType? mutation, ObjectType? subscription,
        IEnumerable<NamedType>? types, IEnumerable<DirectiveDefinition>? directives, string? description, List<string>? priorErrors)
    {
        var errors = priorErrors ?? [];
        var directiveList = new List<DirectiveDefinition>();
        var seenDirectives = new HashSet<string>(StringComparer.Ordinal);
        if (directives is not null)
        {
            foreach (var directive in directives)
            {
                if (seenDirectives.Add(directive.Name))
                {
                    directiveList.Add(directive);
                }
            }
        }

        foreach (var specified in DirectiveDefinition.SpecifiedDirectives)
        {
            if (seenDirectives.Add(specified.Name))
            {
                directiveList.Add(specified);
            }
        }

        // Same order as graphql-js's GraphQLSchema constructor: the given types in order (each followed by the
        // types it pulls in that are not themselves given), then roots, directive arguments and introspection types.
        var typeList = types?.ToList() ?? [];
        var reserved = new HashSet<NamedType>(typeList);
        var collected = new Dictionary<string, NamedType>(StringComparer.Ordinal);
        void Collect(GraphQLType? type, bool given)
        {
            if (type is null)
            {
                return;
            }

            var named = type.GetNamedType();
            if (!given && reserved.Contains(named))
            {
                return;
            }

            if (collected.TryGetValue(named.Name, out var existing))
            {
                if (!ReferenceEquals(existing, named))
                {
                    var message = $"Schema must contain uniquely named types but contains multiple types named \"{named.Name}\".";
                    if (!errors.Contains(message))
                    {
                        errors.Add(message);
                    }
                }

                return;
            }

            collected[named.Name] = named;
            switch (named)
            {
                case ComplexType complex:
                    foreach (var iface in complex.Interfaces)
                    {
                        Collect(iface, false);
                    }

                    foreach (var field in complex.Fields)
                    {
                        Collect(field.Type, false);
                        foreach (var argument in field.Arguments)
                        {
                            Collect(argument.Type, false);
                        }
                    }

                    break;
                case UnionType union:
                    foreach (var member in union.DeclaredTypes)
                    {
                        Collect(member, false);
                    }

                    break;
                case InputObjectType input:
                    foreach (var field in input.Fields)
                    {
                        Collect(field.Type, false);
                    }

                    break;
            }
        }

        foreach (var type in typeList)
        {
            Collect(type, true);
        }

        Collect(query, false);
        Collect(mutation, false);
        Collect(subscription, false);
        foreach (var directive in directiveList)
        {
            foreach (var argument in directive.Arguments)
            {
                Collect(argument.Type, false);
            }
        }

        Collect(Introspection.SchemaType, false);

        var schema = new Schema(query, mutation, subscription, collected, directiveList, description);
        SchemaValidator.Validate(schema, errors);
        if (errors.Count > 0)
        {
            throw new SchemaValidationException(errors);
        }

        return schema;
    }
}
