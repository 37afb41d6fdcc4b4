using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>Decides whether a type can cross the wire, and how it is encoded.</summary>
internal static class WireTypes
{
    /// <summary>C# names with <c>global::</c> and nullable annotations, for emitted code.</summary>
    public static readonly SymbolDisplayFormat EmitFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Names for wire signatures: namespace-qualified, keywords for special types, no nullable-reference annotations (they do not change the encoding).</summary>
    public static readonly SymbolDisplayFormat SignatureFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.ExpandNullable);

    /// <summary>
    /// Classifies <paramref name="type"/>. Returns null and sets <paramref name="problem"/> (the rule it breaks, with a
    /// reason naming the offending part, e.g. an element type) when the type cannot cross the wire.
    /// </summary>
    public static WireTypeModel? Classify(ITypeSymbol type, KnownTypes known, ICollection<FormatterRegistration> registrations, out TypeFinding? problem)
    {
        problem = null;
        var kind = ClassifyKind(type, known, registrations, topLevel: true, ref problem);
        if (kind is null)
        {
            return null;
        }

        var nullable = type.IsReferenceType
            ? type.NullableAnnotation != NullableAnnotation.NotAnnotated
            : IsNullableValueType(type);

        // A reference from nullable-oblivious code may be null: name it annotated, so that the generated code (nullable
        // enabled) takes the null it allows without warnings (CS8603/CS8604) instead of a non-nullable name.
        return new WireTypeModel(AnnotateOblivious(type).ToDisplayString(EmitFormat), kind.Value, nullable, type.IsValueType);
    }

    /// <summary><paramref name="type"/> annotated as nullable when it is an oblivious reference type; otherwise itself.</summary>
    private static ITypeSymbol AnnotateOblivious(ITypeSymbol type)
        => type is { IsReferenceType: true, NullableAnnotation: NullableAnnotation.None } ? type.WithNullableAnnotation(NullableAnnotation.Annotated) : type;

    /// <summary>The name of a method's return type, its result annotated like <see cref="Classify"/> names it.</summary>
    public static string GetReturnTypeName(ITypeSymbol returnType)
    {
        if (returnType is INamedTypeSymbol { TypeArguments.Length: 1 } named
            && named.TypeArguments[0] is { IsReferenceType: true, NullableAnnotation: NullableAnnotation.None } result)
        {
            return named.ConstructedFrom
                .Construct(ImmutableArray.Create(result), ImmutableArray.Create(NullableAnnotation.Annotated))
                .ToDisplayString(EmitFormat);
        }

        return returnType.ToDisplayString(EmitFormat);
    }

    private static WireKind? ClassifyKind(ITypeSymbol type, KnownTypes known, ICollection<FormatterRegistration> registrations, bool topLevel, ref TypeFinding? problem)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                return WireKind.Boolean;
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
            case SpecialType.System_DateTime:
                return WireKind.Unmanaged;
            case SpecialType.System_String:
                return WireKind.String;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return WireKind.Unmanaged;
        }

        if (type is IArrayTypeSymbol array)
        {
            if (!array.IsSZArray)
            {
                problem = Unsupported(type, $"multi-dimensional array '{type.ToDisplayString()}' is not supported; use a jagged array or a list");
                return null;
            }

            if (array.ElementType.SpecialType == SpecialType.System_Byte)
            {
                return WireKind.ByteArray;
            }

            var element = ClassifyKind(array.ElementType, known, registrations, topLevel: false, ref problem);
            if (element is null)
            {
                return null;
            }

            var elementName = array.ElementType.ToDisplayString(EmitFormat);
            registrations.Add(new FormatterRegistration(
                element is WireKind.Unmanaged
                    ? $"global::MemoryPack.Formatters.UnmanagedArrayFormatter<{elementName}>"
                    : $"global::MemoryPack.Formatters.ArrayFormatter<{elementName}>",
                IsPackable: false));
            return WireKind.Formatted;
        }

        if (type is not INamedTypeSymbol named)
        {
            problem = Describe(type);
            return null;
        }

        if (known.UnmanagedStructs.Contains(named.OriginalDefinition))
        {
            return WireKind.Unmanaged;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            var inner = named.TypeArguments[0];
            var innerKind = ClassifyKind(inner, known, registrations, topLevel: false, ref problem);
            if (innerKind is null)
            {
                return null;
            }

            // Nullable<T> does not satisfy C#'s 'unmanaged' constraint, so even int? goes through a formatter.
            registrations.Add(new FormatterRegistration($"global::MemoryPack.Formatters.NullableFormatter<{inner.ToDisplayString(EmitFormat)}>", false));
            return WireKind.Formatted;
        }

        if (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, known.ReadOnlyMemoryOfT)
            && named.TypeArguments[0].SpecialType == SpecialType.System_Byte)
        {
            if (!topLevel)
            {
                registrations.Add(new FormatterRegistration("global::MemoryPack.Formatters.ReadOnlyMemoryFormatter<byte>", false));
                return WireKind.Formatted;
            }

            return WireKind.ByteMemory;
        }

        if (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, known.ListOfT))
        {
            if (ClassifyKind(named.TypeArguments[0], known, registrations, topLevel: false, ref problem) is null)
            {
                return null;
            }

            registrations.Add(new FormatterRegistration($"global::MemoryPack.Formatters.ListFormatter<{named.TypeArguments[0].ToDisplayString(EmitFormat)}>", false));
            return WireKind.Formatted;
        }

        if (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, known.DictionaryOfTKeyTValue))
        {
            if (ClassifyKind(named.TypeArguments[0], known, registrations, topLevel: false, ref problem) is null
                || ClassifyKind(named.TypeArguments[1], known, registrations, topLevel: false, ref problem) is null)
            {
                return null;
            }

            registrations.Add(new FormatterRegistration(
                $"global::MemoryPack.Formatters.DictionaryFormatter<{named.TypeArguments[0].ToDisplayString(EmitFormat)}, {named.TypeArguments[1].ToDisplayString(EmitFormat)}>", false));
            return WireKind.Formatted;
        }

        if (known.MemoryPackableAttribute is not null
            && named.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.MemoryPackableAttribute)))
        {
            if (named.IsGenericType)
            {
                problem = Unsupported(type, $"generic [MemoryPackable] type '{named.ToDisplayString()}' is not supported; use a non-generic type");
                return null;
            }

            // Not partial, or abstract without union cases: MemoryPack generates no formatter the emitted code could register.
            if (TransferRules.Find(named, topLevel: true) is { } finding)
            {
                problem = AtTopLevel(finding);
                return null;
            }

            registrations.Add(new FormatterRegistration(named.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(EmitFormat), IsPackable: true));

            // A union's formatter is registered by the abstract type, but the type is not IMemoryPackable<T> itself: it is
            // written through its registered formatter, not WritePackable.
            return MemoryPackFacts.GetShape(named) == PackableShape.Union ? WireKind.Formatted : WireKind.Packable;
        }

        problem = Describe(type);
        return null;
    }

    /// <summary>
    /// Why a type the emitter does not handle cannot be a parameter or result: a transfer rule it breaks (object remoting
    /// is CGEN1005 here, since the generator cannot emit it; the same rule is CGEN3001 inside a data type), or else that it
    /// has no wire format at the top level, though MemoryPack could write it as a member (HashSet&lt;T&gt;, IReadOnlyList&lt;T&gt;...).
    /// </summary>
    private static TypeFinding Describe(ITypeSymbol type)
        => TransferRules.Find(type, topLevel: true) is { } finding
            ? AtTopLevel(finding)
            : Unsupported(type, $"type '{type.ToDisplayString()}' has no wire format as a parameter or result; use primitives, strings, byte[], ReadOnlyMemory<byte>, arrays, List<T>, Dictionary<TKey,TValue> or a [MemoryPackable] type");

    private static TypeFinding AtTopLevel(TypeFinding finding)
        => finding.Id == DiagnosticIds.ObjectRemoting ? finding with { Id = DiagnosticIds.UnsupportedWireType } : finding;

    private static TypeFinding Unsupported(ITypeSymbol type, string reason) => new(DiagnosticIds.UnsupportedWireType, type, reason);

    private static bool IsNullableValueType(ITypeSymbol type)
        => type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
}
