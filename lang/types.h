#pragma once
// TorchScript's static types.
//
// Types are immutable and shared (TypePtr), except ClassType, whose attribute
// and method tables fill in while its class body and __init__ are compiled.
// Compare types with `*a == *b` (structural), never by pointer, except
// ClassType which compares by identity (one ClassType per qualified name).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wick::lang {

enum class TypeKind {
  Any,
  None,      // NoneType
  Bool,
  Int,
  Float,
  Complex,
  Number,    // Scalar in schemas: int, float or complex
  Str,
  Tensor,
  Device,
  Layout,
  Generator,
  List,      // contained: [elem]
  Dict,      // contained: [key, value]
  Tuple,     // contained: elements; named tuples carry name + field names
  Optional,  // contained: [elem]
  Union,     // contained: alternatives (flattened, no duplicates)
  Class,     // ClassType (user classes, nn.Module subclasses)
  Enum,      // EnumType
  Function,  // a first-class function value
  Var,       // a type variable in a schema ("t", "K", "V"), name()
  AnyList,   // matches any List[T] in schemas
  AnyTuple,  // matches any tuple in schemas
  AnyDict,   // matches any dict (isinstance(x, dict))
  AnyClass,  // matches any class in schemas
};

class Type;
class ClassType;
class Function;
using TypePtr = std::shared_ptr<const Type>;
using ClassTypePtr = std::shared_ptr<ClassType>;

class Type : public std::enable_shared_from_this<Type> {
 public:
  Type(TypeKind kind, std::vector<TypePtr> contained = {}, std::string name = {},
       std::vector<std::string> field_names = {})
      : kind_(kind), contained_(std::move(contained)), name_(std::move(name)), field_names_(std::move(field_names)) {}
  virtual ~Type() = default;

  TypeKind kind() const { return kind_; }
  const std::vector<TypePtr>& contained() const { return contained_; }
  // Class / enum / named-tuple qualified name, or a type variable's name.
  const std::string& name() const { return name_; }
  // Field names of a NamedTuple (empty for a plain tuple).
  const std::vector<std::string>& fieldNames() const { return field_names_; }

  TypePtr elem() const { return contained_.at(0); }      // List, Optional
  TypePtr key() const { return contained_.at(0); }       // Dict
  TypePtr value() const { return contained_.at(1); }     // Dict

  // TorchScript's spelling: "int", "List[int]", "Optional[Tensor]", "Tuple[int, str]",
  // "Dict[str, float]", "Union[int, str]", "__torch__.Foo".
  virtual std::string str() const;
  // Schema spelling: "int[]", "Tensor?", "(int, str)", "Dict(str, float)".
  std::string schemaStr() const;

  bool isOptionalOrNone() const { return kind_ == TypeKind::Optional || kind_ == TypeKind::None; }

 protected:
  TypeKind kind_;
  std::vector<TypePtr> contained_;
  std::string name_;
  std::vector<std::string> field_names_;
};

bool operator==(const Type& a, const Type& b);
inline bool operator!=(const Type& a, const Type& b) { return !(a == b); }

// Singletons and constructors.
TypePtr anyType();
TypePtr noneType();
TypePtr boolType();
TypePtr intType();
TypePtr floatType();
TypePtr complexType();
TypePtr numberType();
TypePtr strType();
TypePtr tensorType();
TypePtr deviceType();
TypePtr layoutType();
TypePtr generatorType();
TypePtr anyListType();
TypePtr anyTupleType();
TypePtr anyClassType();
TypePtr anyDictType();
TypePtr listType(TypePtr elem);
TypePtr dictType(TypePtr key, TypePtr value);
TypePtr tupleType(std::vector<TypePtr> elems);
TypePtr namedTupleType(std::string qualname, std::vector<std::string> fields, std::vector<TypePtr> elems);
TypePtr optionalType(TypePtr elem);  // Optional[Optional[T]] == Optional[T]; Optional[None] == None
// Flattens nested unions, removes duplicates; a union with None and one other
// type is Optional[that]; a union of one type is that type.
TypePtr unionType(std::vector<TypePtr> alternatives);
TypePtr varType(std::string name);
TypePtr functionType(Function* fn);

// a <: b in TorchScript's rules (int is not a subtype of float; None <: Optional[T];
// T <: Optional[T]; T <: Union[..T..]; everything <: Any; List is invariant;
// Tuple is covariant; a class is a subtype of a class it derives from).
bool isSubtypeOf(const TypePtr& a, const TypePtr& b);
// The type both a and b can be assigned to, as TorchScript unifies if/else
// branches (None + T -> Optional[T]); nullopt when they do not unify.
std::optional<TypePtr> unifyTypes(const TypePtr& a, const TypePtr& b);
// Optional[T] -> T; Union[None, A, B] -> Union[A, B]; others unchanged.
TypePtr removeNone(const TypePtr& t);

// A user class or nn.Module subclass. Attributes (name -> type) are slots in
// declaration order; an Object's IValue slots follow that order.
class ClassType : public Type {
 public:
  struct Attribute {
    std::string name;
    TypePtr type;
    bool is_parameter = false;
    bool is_buffer = false;
    bool is_module = false;
  };
  struct Constant {  // Final / __constants__ values
    std::string name;
    TypePtr type;
    // the value is kept by whoever owns the class (IValue is not visible here)
  };

  explicit ClassType(std::string qualname, bool is_module = false)
      : Type(TypeKind::Class, {}, std::move(qualname)), is_module_(is_module) {}
  static ClassTypePtr create(std::string qualname, bool is_module = false) {
    return std::make_shared<ClassType>(std::move(qualname), is_module);
  }

  std::string str() const override { return name_; }
  bool isModule() const { return is_module_; }
  void setIsModule(bool m) { is_module_ = m; }

  size_t addAttribute(std::string name, TypePtr type, bool is_parameter = false, bool is_buffer = false);
  std::optional<size_t> findAttribute(const std::string& name) const;
  const std::vector<Attribute>& attributes() const { return attributes_; }
  std::vector<Attribute>& attributes() { return attributes_; }
  // Refines an attribute's type (e.g. when __init__ assigns a more specific value).
  void setAttributeType(size_t slot, TypePtr type) { attributes_.at(slot).type = std::move(type); }

  void addMethod(Function* fn);
  Function* findMethod(const std::string& name) const;
  const std::vector<Function*>& methods() const { return methods_; }

  // Names declared in __constants__ or as Final, with their types.
  std::vector<Constant>& constants() { return constants_; }
  const std::vector<Constant>& constants() const { return constants_; }

  // Base class (for subclass checks), if any user class.
  ClassTypePtr base() const { return base_; }
  void setBase(ClassTypePtr b) { base_ = std::move(b); }

 private:
  bool is_module_;
  std::vector<Attribute> attributes_;
  std::vector<Function*> methods_;
  std::vector<Constant> constants_;
  ClassTypePtr base_;
};

// An enum member's value. TorchScript enums hold int, float or str values;
// they are kept here without IValue (which this header cannot see) so that
// code holding only the type, like the unpickler turning a pickled value back
// into its member, can find members by value.
using EnumMemberValue = std::variant<int64_t, double, std::string>;

// An enum class: name plus (member name -> value) with a common value type.
class EnumType : public Type {
 public:
  // `values` is parallel to `names` (or empty when the values are not known).
  EnumType(std::string qualname, TypePtr value_type, std::vector<std::string> names,
           std::vector<EnumMemberValue> values = {})
      : Type(TypeKind::Enum, {std::move(value_type)}, std::move(qualname)), names_(std::move(names)),
        values_(std::move(values)) {}
  std::string str() const override { return name_; }
  TypePtr valueType() const { return contained_.at(0); }
  const std::vector<std::string>& memberNames() const { return names_; }
  const std::vector<EnumMemberValue>& memberValues() const { return values_; }

 private:
  std::vector<std::string> names_;
  std::vector<EnumMemberValue> values_;
};

// A first-class function value's type (the function itself is the identity).
class FunctionType : public Type {
 public:
  explicit FunctionType(Function* fn) : Type(TypeKind::Function), fn_(fn) {}
  Function* function() const { return fn_; }
  std::string str() const override;

 private:
  Function* fn_;
};

}  // namespace wick::lang
