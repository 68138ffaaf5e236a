/**
 * Field numbers of `perftools.profiles` (proto/profile.proto), one constant per field, in Go's
 * style (runtime/pprof protobuf.go). The hand-driven encoder uses them; a test checks every one
 * against the .proto loaded at run time.
 */

export const tagProfile_SampleType = 1; // repeated ValueType
export const tagProfile_Sample = 2; // repeated Sample
export const tagProfile_Mapping = 3; // repeated Mapping
export const tagProfile_Location = 4; // repeated Location
export const tagProfile_Function = 5; // repeated Function
export const tagProfile_StringTable = 6; // repeated string
export const tagProfile_DropFrames = 7; // int64 (string table index)
export const tagProfile_KeepFrames = 8; // int64 (string table index)
export const tagProfile_TimeNanos = 9; // int64
export const tagProfile_DurationNanos = 10; // int64
export const tagProfile_PeriodType = 11; // ValueType
export const tagProfile_Period = 12; // int64
export const tagProfile_Comment = 13; // repeated int64 (string table index)
export const tagProfile_DefaultSampleType = 14; // int64 (string table index)
export const tagProfile_DocUrl = 15; // int64 (string table index)

export const tagValueType_Type = 1; // int64 (string table index)
export const tagValueType_Unit = 2; // int64 (string table index)

export const tagSample_Location = 1; // repeated uint64
export const tagSample_Value = 2; // repeated int64
export const tagSample_Label = 3; // repeated Label

export const tagLabel_Key = 1; // int64 (string table index)
export const tagLabel_Str = 2; // int64 (string table index)
export const tagLabel_Num = 3; // int64
export const tagLabel_NumUnit = 4; // int64 (string table index)

export const tagMapping_ID = 1; // uint64
export const tagMapping_Start = 2; // uint64
export const tagMapping_Limit = 3; // uint64
export const tagMapping_Offset = 4; // uint64
export const tagMapping_Filename = 5; // int64 (string table index)
export const tagMapping_BuildID = 6; // int64 (string table index)
export const tagMapping_HasFunctions = 7; // bool
export const tagMapping_HasFilenames = 8; // bool
export const tagMapping_HasLineNumbers = 9; // bool
export const tagMapping_HasInlineFrames = 10; // bool

export const tagLocation_ID = 1; // uint64
export const tagLocation_MappingID = 2; // uint64
export const tagLocation_Address = 3; // uint64
export const tagLocation_Line = 4; // repeated Line
export const tagLocation_IsFolded = 5; // bool

export const tagLine_FunctionID = 1; // uint64
export const tagLine_Line = 2; // int64
export const tagLine_Column = 3; // int64

export const tagFunction_ID = 1; // uint64
export const tagFunction_Name = 2; // int64 (string table index)
export const tagFunction_SystemName = 3; // int64 (string table index)
export const tagFunction_Filename = 4; // int64 (string table index)
export const tagFunction_StartLine = 5; // int64

/** Protobuf wire types used by the encoder. */
export const wireVarint = 0;
export const wireBytes = 2;

/** The key (tag) byte(s) of a field: field number and wire type. */
export function fieldKey(field: number, wireType: number): number {
  return (field << 3) | wireType;
}
