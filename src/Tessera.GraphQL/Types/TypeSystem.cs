using Tessera.GraphQL.Language;
using Tessera.GraphQL.Utilities;
// The resolver contract is the one name the type system takes from Execution (docs/adr/0005).
using ResolveFieldContext = Tessera.GraphQL.Execution.ResolveFieldContext;

namespace Tessera.GraphQL.Types;

/// <summary>The eight kinds of types, as named by introspection's <c>__TypeKind</c>.</summary>
public enum TypeKind
{
    /// <summary>A scalar.</summary>
    Scalar,
    /// <summary>An object type.</summary>
    Object,
    /// <summary>An interface.</summary>
    Interface,
    /// <summary>A union.</summary>
    Union,
    /// <summary>An enum.</summary>
    Enum,
    /// <summary>An input object.</summary>
    InputObject,
    /// <summary>A list wrapper.</summary>
    List,
    /// <summary>A non-null wrapper.</summary>
    NonNull,
}

/// <summary>
/// A type reference: a named type, or a <see cref="ListType"/> / <see cref="NonNullType"/> wrapper around one.
/// ToString() prints it as in SDL (<c>[Int!]!</c>).
/// </summary>
public abstract class GraphQLType
{
    /// <summary>The kind.</summary>
    public abstract TypeKind Kind { get; }

    /// <summary>The named type under all wrappers.</summary>
    public abstract NamedType GetNamedType();

    /// <summary>This type without a non-null wrapper.</summary>
    public GraphQLType Nullable => this is NonNullType n ? n.OfType : this;

    /// <summary>True for scalars, enums, input objects and wrappers of them.</summary>
    public bool IsInputType => GetNamedType().Kind is TypeKind.Scalar or TypeKind.Enum or TypeKind.InputObject;

    /// <summary>True for scalars, objects, interfaces, unions, enums and wrappers of them.</summary>
    public bool IsOutputType => GetNamedType().Kind is not TypeKind.InputObject;

    /// <summary>True for a scalar or enum (not wrapped).</summary>
    public bool IsLeafType => Kind is TypeKind.Scalar or TypeKind.Enum;

    /// <summary>True for an object, interface or union (not wrapped).</summary>
    public bool IsCompositeType => Kind is TypeKind.Object or TypeKind.Interface or TypeKind.Union;

    /// <summary>True for an interface or union (not wrapped).</summary>
    public bool IsAbstractType => Kind is TypeKind.Interface or TypeKind.Union;

    /// <summary>True for a non-null wrapper.</summary>
    public bool IsNonNull => Kind == TypeKind.NonNull;

    /// <summary>True for a list wrapper (not under non-null).</summary>
    public bool IsList => Kind == TypeKind.List;
}

/// <summary>A list type <c>[T]</c>.</summary>
public sealed class ListType : GraphQLType
{
    /// <summary>Wraps <paramref name="ofType"/> in a list.</summary>
    public ListType(GraphQLType ofType) => OfType = ofType ?? throw new ArgumentNullException(nameof(ofType));

    /// <summary>The item type.</summary>
    public GraphQLType OfType { get; }

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.List;

    /// <inheritdoc />
    public override NamedType GetNamedType() => OfType.GetNamedType();

    /// <inheritdoc />
    public override string ToString() => "[" + OfType + "]";
}

/// <summary>A non-null type <c>T!</c>.</summary>
public sealed class NonNullType : GraphQLType
{
    /// <summary>Wraps <paramref name="ofType"/> (which must not itself be non-null).</summary>
    public NonNullType(GraphQLType ofType)
    {
        ArgumentNullException.ThrowIfNull(ofType);
        if (ofType is NonNullType)
        {
            throw new ArgumentException("Cannot wrap a non-null type in non-null.", nameof(ofType));
        }

        OfType = ofType;
    }

    /// <summary>The nullable type.</summary>
    public GraphQLType OfType { get; }

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.NonNull;

    /// <inheritdoc />
    public override NamedType GetNamedType() => OfType.GetNamedType();

    /// <inheritdoc />
    public override string ToString() => OfType + "!";
}

/// <summary>Base of the six named types.</summary>
public abstract class NamedType : GraphQLType
{
    /// <summary>Creates a named type.</summary>
    protected NamedType(string name, string? description)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Description = description;
    }

    /// <summary>The type name.</summary>
    public string Name { get; }

    /// <summary>The description, or null.</summary>
    public string? Description { get; set; }

    /// <summary>The SDL definition this type was built from, if any.</summary>
    public TypeDefinitionNode? AstNode { get; set; }

    /// <summary>SDL extensions applied to this type.</summary>
    public IList<TypeDefinitionNode> ExtensionAstNodes { get; } = new List<TypeDefinitionNode>();

    /// <summary>Directives applied to the type in SDL.</summary>
    public IList<DirectiveNode> AppliedDirectives { get; } = new List<DirectiveNode>();

    /// <inheritdoc />
    public override NamedType GetNamedType() => this;

    /// <summary>True for the types whose names start with <c>__</c>.</summary>
    public bool IsIntrospectionType => Name.StartsWith("__", StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Reads a field value: returns the value, synchronously when it can.</summary>
/// <param name="context">What is being resolved.</param>
public delegate ValueTask<object?> FieldResolver(ResolveFieldContext context);

/// <summary>An argument or input field definition.</summary>
public sealed class InputValueDefinition
{
    /// <summary>Creates an input value.</summary>
    public InputValueDefinition(string name, GraphQLType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type ?? throw new ArgumentNullException(nameof(type));
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The type.</summary>
    public GraphQLType Type { get; internal set; }

    /// <summary>The description, or null.</summary>
    public string? Description { get; set; }

    /// <summary>The default value as written in SDL, or null when there is none.</summary>
    public ValueNode? DefaultValueLiteral { get; set; }

    /// <summary>True when a default value is defined.</summary>
    public bool HasDefaultValue => DefaultValueLiteral is not null || DefaultValue is not null;

    /// <summary>The default value coerced to its internal form (set when the schema is built).</summary>
    public object? DefaultValue { get; set; }

    /// <summary>The deprecation reason, or null when not deprecated.</summary>
    public string? DeprecationReason { get; set; }

    /// <summary>True when deprecated.</summary>
    public bool IsDeprecated => DeprecationReason is not null;

    /// <summary>The SDL node, if any.</summary>
    public InputValueDefinitionNode? AstNode { get; set; }

    /// <inheritdoc />
    public override string ToString() => Name + ": " + Type;
}

/// <summary>A field of an object or interface type.</summary>
public sealed class FieldDefinition
{
    private readonly List<InputValueDefinition> _arguments = [];

    /// <summary>Creates a field.</summary>
    public FieldDefinition(string name, GraphQLType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type ?? throw new ArgumentNullException(nameof(type));
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The type.</summary>
    public GraphQLType Type { get; internal set; }

    /// <summary>The description, or null.</summary>
    public string? Description { get; set; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<InputValueDefinition> Arguments => _arguments;

    /// <summary>The deprecation reason, or null when not deprecated.</summary>
    public string? DeprecationReason { get; set; }

    /// <summary>True when deprecated.</summary>
    public bool IsDeprecated => DeprecationReason is not null;

    /// <summary>The resolver; null means the default resolver (read the same-named property of the parent).</summary>
    public FieldResolver? Resolver
    {
        get;
        set
        {
            field = value;
            SourceResolver = null;
        }
    }

    /// <summary>
    /// Set with <see cref="Resolver"/> by <see cref="SchemaBuilder.BindSource{TSource}"/>: the same resolver as a
    /// function of the parent alone, which the executor calls without building a context for it.
    /// </summary>
    internal Func<object?, object?>? SourceResolver { get; private set; }

    internal void SetSourceResolver(Func<object?, object?> resolver) => SourceResolver = resolver;

    /// <summary>The default resolver's property getter for the CLR type last seen as the parent (one entry, swapped whole).</summary>
    internal ClrGetter? DefaultGetter { get; set; }

    /// <summary>The SDL node, if any.</summary>
    public FieldDefinitionNode? AstNode { get; set; }

    internal byte[] Utf8Name => field ??= System.Text.Encoding.UTF8.GetBytes(Name);

    /// <summary>Adds an argument; returns this field.</summary>
    public FieldDefinition AddArgument(InputValueDefinition argument)
    {
        _arguments.Add(argument);
        return this;
    }

    /// <summary>Finds an argument by name.</summary>
    public InputValueDefinition? GetArgument(string name)
    {
        foreach (var argument in _arguments)
        {
            if (argument.Name == name)
            {
                return argument;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Name + ": " + Type;
}

/// <summary>Base of object and interface types: types with fields that may implement interfaces.</summary>
public abstract class ComplexType : NamedType
{
    private readonly List<FieldDefinition> _fields = [];
    private readonly Dictionary<string, FieldDefinition> _fieldsByName = new(StringComparer.Ordinal);
    private readonly List<InterfaceType> _interfaces = [];

    /// <summary>Creates the type.</summary>
    protected ComplexType(string name, string? description)
        : base(name, description)
    {
    }

    /// <summary>The fields in definition order.</summary>
    public IReadOnlyList<FieldDefinition> Fields => _fields;

    /// <summary>The interfaces implemented directly.</summary>
    public IReadOnlyList<InterfaceType> Interfaces => _interfaces;

    /// <summary>Adds a field; returns this type. A field with the same name replaces nothing: duplicates are reported by schema validation.</summary>
    public ComplexType AddField(FieldDefinition field)
    {
        ArgumentNullException.ThrowIfNull(field);
        _fields.Add(field);
        _fieldsByName.TryAdd(field.Name, field);
        return this;
    }

    /// <summary>Declares that this type implements <paramref name="interfaceType"/>.</summary>
    public ComplexType AddInterface(InterfaceType interfaceType)
    {
        ArgumentNullException.ThrowIfNull(interfaceType);
        _interfaces.Add(interfaceType);
        return this;
    }

    /// <summary>Finds a field by name (not the introspection meta fields).</summary>
    public FieldDefinition? GetField(string name) => _fieldsByName.GetValueOrDefault(name);

    internal int FieldCountWithDuplicates => _fields.Count;
}

/// <summary>An object type.</summary>
public sealed class ObjectType : ComplexType
{
    /// <summary>Creates an object type.</summary>
    public ObjectType(string name, string? description = null)
        : base(name, description)
    {
    }

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Object;

    /// <summary>Tells whether a runtime value is of this type, for abstract type resolution; optional.</summary>
    public Func<object?, bool>? IsTypeOf { get; set; }
}

/// <summary>Resolves the object type name of a value of an abstract type.</summary>
/// <param name="value">The runtime value.</param>
/// <param name="context">The field being completed.</param>
public delegate string? TypeResolver(object? value, ResolveFieldContext context);

/// <summary>An interface type.</summary>
public sealed class InterfaceType : ComplexType
{
    /// <summary>Creates an interface type.</summary>
    public InterfaceType(string name, string? description = null)
        : base(name, description)
    {
    }

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Interface;

    /// <summary>Resolves the runtime object type; when null, <c>__typename</c> of the value then <c>IsTypeOf</c> are used.</summary>
    public TypeResolver? ResolveType { get; set; }
}

/// <summary>A union type.</summary>
public sealed class UnionType : NamedType
{
    private readonly List<ObjectType> _types = [];

    /// <summary>Creates a union type.</summary>
    public UnionType(string name, string? description = null)
        : base(name, description)
    {
    }

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Union;

    /// <summary>The member types.</summary>
    public IReadOnlyList<ObjectType> Types => _types;

    /// <summary>Member types as declared, including non-object ones (reported by schema validation).</summary>
    internal List<NamedType> DeclaredTypes { get; } = [];

    /// <summary>Resolves the runtime object type; when null, <c>__typename</c> of the value then <c>IsTypeOf</c> are used.</summary>
    public TypeResolver? ResolveType { get; set; }

    /// <summary>Adds a member type; returns this union.</summary>
    public UnionType AddType(ObjectType type)
    {
        _types.Add(type);
        DeclaredTypes.Add(type);
        return this;
    }

    internal void AddDeclared(NamedType type)
    {
        DeclaredTypes.Add(type);
        if (type is ObjectType o)
        {
            _types.Add(o);
        }
    }
}

/// <summary>A value of an enum type.</summary>
public sealed class EnumValueDefinition
{
    /// <summary>Creates an enum value whose internal value is its name.</summary>
    public EnumValueDefinition(string name, object? value = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Value = value ?? name;
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The internal value resolvers return and receive (the name by default, or e.g. a CLR enum value).</summary>
    public object Value { get; set; }

    /// <summary>The description, or null.</summary>
    public string? Description { get; set; }

    /// <summary>The deprecation reason, or null when not deprecated.</summary>
    public string? DeprecationReason { get; set; }

    /// <summary>True when deprecated.</summary>
    public bool IsDeprecated => DeprecationReason is not null;

    /// <summary>The SDL node, if any.</summary>
    public EnumValueDefinitionNode? AstNode { get; set; }
}

/// <summary>An enum type.</summary>
public sealed class EnumType : NamedType
{
    private readonly List<EnumValueDefinition> _values = [];
    private readonly Dictionary<string, EnumValueDefinition> _byName = new(StringComparer.Ordinal);
    private Dictionary<object, EnumValueDefinition>? _byValue;

    /// <summary>Creates an enum type.</summary>
    public EnumType(string name, string? description = null)
        : base(name, description)
    {
    }

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Enum;

    /// <summary>The values in definition order.</summary>
    public IReadOnlyList<EnumValueDefinition> Values => _values;

    /// <summary>Adds a value; returns this enum.</summary>
    public EnumType AddValue(EnumValueDefinition value)
    {
        _values.Add(value);
        _byName.TryAdd(value.Name, value);
        _byValue = null;
        return this;
    }

    /// <summary>Finds a value by name.</summary>
    public EnumValueDefinition? GetValue(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Serializes an internal value to the enum value name. Throws <see cref="GraphQLError"/> when it is not a value of this enum.</summary>
    public string Serialize(object? value)
    {
        var byValue = _byValue;
        if (byValue is null)
        {
            byValue = new Dictionary<object, EnumValueDefinition>();
            foreach (var v in _values)
            {
                byValue.TryAdd(v.Value, v);
            }

            _byValue = byValue;
        }

        var normalized = JsonValues.Normalize(value);
        if (normalized is not null && byValue.TryGetValue(normalized, out var definition))
        {
            return definition.Name;
        }

        throw new GraphQLError($"Enum \"{Name}\" cannot represent value: {Inspector.Inspect(normalized)}");
    }

    /// <summary>Coerces an input (variable) value: the enum value name as a string.</summary>
    public object ParseValue(object? value)
    {
        if (value is not string name)
        {
            var shown = Inspector.Inspect(value);
            throw new GraphQLError($"Enum \"{Name}\" cannot represent non-string value: {shown}.{DidYouMean(shown)}");
        }

        return GetValue(name)?.Value ?? throw new GraphQLError($"Value \"{name}\" does not exist in \"{Name}\" enum.{DidYouMean(name)}");
    }

    /// <summary>Coerces a literal: an enum literal naming one of the values.</summary>
    public object ParseLiteral(ValueNode node)
    {
        if (node is not EnumValueNode e)
        {
            var shown = Printer.Print(node);
            throw new GraphQLError($"Enum \"{Name}\" cannot represent non-enum value: {shown}.{DidYouMean(shown)}", node);
        }

        return GetValue(e.Value)?.Value ?? throw new GraphQLError($"Value \"{e.Value}\" does not exist in \"{Name}\" enum.{DidYouMean(e.Value)}", node);
    }

    private string DidYouMean(string input)
    {
        var names = new List<string>(_values.Count);
        foreach (var value in _values)
        {
            names.Add(value.Name);
        }

        return Suggestions.DidYouMean("the enum value", Suggestions.List(input, names));
    }
}

/// <summary>An input object type.</summary>
public sealed class InputObjectType : NamedType
{
    private readonly List<InputValueDefinition> _fields = [];
    private readonly Dictionary<string, InputValueDefinition> _byName = new(StringComparer.Ordinal);

    /// <summary>Creates an input object type.</summary>
    public InputObjectType(string name, string? description = null)
        : base(name, description)
    {
    }

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.InputObject;

    /// <summary>The fields in definition order.</summary>
    public IReadOnlyList<InputValueDefinition> Fields => _fields;

    /// <summary>True for a OneOf input object (<c>@oneOf</c>): exactly one field must be given, non-null.</summary>
    public bool IsOneOf { get; set; }

    /// <summary>Adds a field; returns this type.</summary>
    public InputObjectType AddField(InputValueDefinition field)
    {
        _fields.Add(field);
        _byName.TryAdd(field.Name, field);
        return this;
    }

    /// <summary>Finds a field by name.</summary>
    public InputValueDefinition? GetField(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>Where a directive may appear.</summary>
public enum DirectiveLocation
{
    /// <summary>QUERY</summary>
    Query,
    /// <summary>MUTATION</summary>
    Mutation,
    /// <summary>SUBSCRIPTION</summary>
    Subscription,
    /// <summary>FIELD</summary>
    Field,
    /// <summary>FRAGMENT_DEFINITION</summary>
    FragmentDefinition,
    /// <summary>FRAGMENT_SPREAD</summary>
    FragmentSpread,
    /// <summary>INLINE_FRAGMENT</summary>
    InlineFragment,
    /// <summary>VARIABLE_DEFINITION</summary>
    VariableDefinition,
    /// <summary>SCHEMA</summary>
    Schema,
    /// <summary>SCALAR</summary>
    Scalar,
    /// <summary>OBJECT</summary>
    Object,
    /// <summary>FIELD_DEFINITION</summary>
    FieldDefinition,
    /// <summary>ARGUMENT_DEFINITION</summary>
    ArgumentDefinition,
    /// <summary>INTERFACE</summary>
    Interface,
    /// <summary>UNION</summary>
    Union,
    /// <summary>ENUM</summary>
    Enum,
    /// <summary>ENUM_VALUE</summary>
    EnumValue,
    /// <summary>INPUT_OBJECT</summary>
    InputObject,
    /// <summary>INPUT_FIELD_DEFINITION</summary>
    InputFieldDefinition,
}

/// <summary>Conversions between <see cref="DirectiveLocation"/> and the spec's names (<c>FIELD_DEFINITION</c>).</summary>
public static class DirectiveLocations
{
    private static readonly string[] s_names =
    [
        "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE",
        "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION",
    ];

    /// <summary>The spec name of a location.</summary>
    public static string ToName(DirectiveLocation location) => s_names[(int)location];

    /// <summary>Parses a spec name; false when unknown.</summary>
    public static bool TryParse(string name, out DirectiveLocation location)
    {
        var index = Array.IndexOf(s_names, name);
        location = (DirectiveLocation)Math.Max(index, 0);
        return index >= 0;
    }
}

/// <summary>A directive definition.</summary>
public sealed class DirectiveDefinition
{
    private readonly List<InputValueDefinition> _arguments = [];

    /// <summary>Creates a directive definition.</summary>
    public DirectiveDefinition(string name, IEnumerable<DirectiveLocation> locations, string? description = null, bool isRepeatable = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Locations = locations.ToArray();
        Description = description;
        IsRepeatable = isRepeatable;
    }

    /// <summary>The name (without <c>@</c>).</summary>
    public string Name { get; }

    /// <summary>The description, or null.</summary>
    public string? Description { get; set; }

    /// <summary>The locations where it may appear.</summary>
    public IReadOnlyList<DirectiveLocation> Locations { get; }

    /// <summary>True when it may appear more than once at one location.</summary>
    public bool IsRepeatable { get; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<InputValueDefinition> Arguments => _arguments;

    /// <summary>The SDL node, if any.</summary>
    public DirectiveDefinitionNode? AstNode { get; set; }

    /// <summary>True for the directives the specification defines.</summary>
    public bool IsSpecified => Name is "skip" or "include" or "deprecated" or "specifiedBy" or "oneOf";

    /// <summary>Adds an argument; returns this directive.</summary>
    public DirectiveDefinition AddArgument(InputValueDefinition argument)
    {
        _arguments.Add(argument);
        return this;
    }

    /// <summary>Finds an argument by name.</summary>
    public InputValueDefinition? GetArgument(string name)
    {
        foreach (var argument in _arguments)
        {
            if (argument.Name == name)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary><c>@include(if: Boolean!)</c></summary>
    public static DirectiveDefinition Include { get; } = new DirectiveDefinition("include",
            [DirectiveLocation.Field, DirectiveLocation.FragmentSpread, DirectiveLocation.InlineFragment],
            "Directs the executor to include this field or fragment only when the `if` argument is true.")
        .AddArgument(new InputValueDefinition("if", new NonNullType(ScalarType.Boolean)) { Description = "Included when true." });

    /// <summary><c>@skip(if: Boolean!)</c></summary>
    public static DirectiveDefinition Skip { get; } = new DirectiveDefinition("skip",
            [DirectiveLocation.Field, DirectiveLocation.FragmentSpread, DirectiveLocation.InlineFragment],
            "Directs the executor to skip this field or fragment when the `if` argument is true.")
        .AddArgument(new InputValueDefinition("if", new NonNullType(ScalarType.Boolean)) { Description = "Skipped when true." });

    /// <summary><c>@deprecated(reason: String = "No longer supported")</c></summary>
    public static DirectiveDefinition Deprecated { get; } = new DirectiveDefinition("deprecated",
            [DirectiveLocation.FieldDefinition, DirectiveLocation.ArgumentDefinition, DirectiveLocation.InputFieldDefinition, DirectiveLocation.EnumValue],
            "Marks an element of a GraphQL schema as no longer supported.")
        .AddArgument(new InputValueDefinition("reason", ScalarType.String)
        {
            Description = "Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/).",
            DefaultValueLiteral = new StringValueNode { Value = "No longer supported" },
            DefaultValue = "No longer supported",
        });

    /// <summary><c>@specifiedBy(url: String!)</c></summary>
    public static DirectiveDefinition SpecifiedBy { get; } = new DirectiveDefinition("specifiedBy",
            [DirectiveLocation.Scalar], "Exposes a URL that specifies the behavior of this scalar.")
        .AddArgument(new InputValueDefinition("url", new NonNullType(ScalarType.String)) { Description = "The URL that specifies the behavior of this scalar." });

    /// <summary><c>@oneOf</c></summary>
    public static DirectiveDefinition OneOf { get; } = new DirectiveDefinition("oneOf",
        [DirectiveLocation.InputObject], "Indicates exactly one field must be supplied and this field must not be `null`.");

    /// <summary>The directives every schema has.</summary>
    public static IReadOnlyList<DirectiveDefinition> SpecifiedDirectives { get; } = [Include, Skip, Deprecated, SpecifiedBy, OneOf];
}
