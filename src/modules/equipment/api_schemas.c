/*
 * OpenAPI component schemas of the equipment module.
 */
#include "modules/equipment/api.h"
#include "modules/equipment/model.h"

#define OBJ(name, props) "\"" name "\":{\"type\":\"object\",\"properties\":{" props "}},"
#define STR(name)        "\"" name "\":{\"type\":\"string\"}"
#define NSTR(name)       "\"" name "\":{\"type\":\"string\",\"nullable\":true}"
#define INT(name)        "\"" name "\":{\"type\":\"integer\"}"
#define LIST(name, item)                                                                           \
	OBJ(name,                                                                                  \
	    "\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/" item       \
	    "\"}},\"next_cursor\":{\"type\":\"string\",\"nullable\":true},\"total\":{\"type\":"    \
	    "\"integer\"}")
#define RATE                                                                                       \
	"{\"type\":\"object\",\"properties\":{" INT("num") "," INT(                                \
	    "den") ",\"rate\":{\"type\":\"number\",\"nullable\":true}}}"
#define RATES                                                                                      \
	"\"registration\":" RATE ",\"inspection\":" RATE ",\"operators\":" RATE                    \
	",\"accidents\":" RATE

static const char SCHEMAS[] = OBJ(
    "EquipmentRule",
    STR("id") "," STR("category") "," STR("kind") "," INT("first_months") "," INT(
        "interval_months") ",\"conclusions\":{\"type\":\"array\",\"items\":{\"type\":"
                           "\"string\"}},\"variants\":{\"type\":\"array\",\"items\":{\"type\":"
                           "\"string\"}}") OBJ("EquipmentCategory",
                                               STR("code") "," NSTR("parent") "," STR("name_zh") "," NSTR(
                                                   "name_bo") "," STR("name_en") ",\"by_batch\":{"
                                                                                 "\"type\":"
                                                                                 "\"boolean\"},"
                                                                                 "\"rule\":{\"$"
                                                                                 "ref\":"
                                                                                 "\"#/components/"
                                                                                 "schemas/"
                                                                                 "EquipmentRule\"}")
    OBJ("EquipmentRulePatch",
        STR("kind") "," INT("first_months") "," INT("interval_months") "," STR("grade_months") "," INT(
            "count_first") "," STR("ages") "," STR("conclusions") "," STR("basis") "," STR("note"))
        OBJ("EquipmentCategory"
            "List",
            "\"items\":{"
            "\"type\":"
            "\"array\","
            "\"items\":{\"$"
            "ref\":"
            "\"#/components/"
            "schemas/"
            "EquipmentCategory"
            "\"}}") LIST("EquipmentUnitList",
                         "EquipmentUnit") OBJ("EquipmentDefect",
                                              STR("id") "," STR("description") "," STR(
                                                  "deadline") "," NSTR("rectified_on"))
            OBJ("EquipmentDefectPatch", STR("rectified_on")) OBJ(
                "EquipmentInspection",
                STR("id") "," STR("kind") "," STR("institution") "," STR("inspector") "," STR(
                    "insp"
                    "ecte"
                    "d_"
                    "on") "," STR("conclusion") ",\"safety_grade\":{"
                                                "\"type\":\"integer\",\"nullable\":true}," NSTR("re"
                                                                                                "po"
                                                                                                "rt"
                                                                                                "_n"
                                                                                                "o") "," NSTR(
                                                    "note") "," NSTR("next_due") "," STR("created_"
                                                                                         "at") ",\""
                                                                                               "de"
                                                                                               "fec"
                                                                                               "ts"
                                                                                               "\":"
                                                                                               "{"
                                                                                               "\"t"
                                                                                               "yp"
                                                                                               "e\""
                                                                                               ":"
                                                                                               "\"a"
                                                                                               "rr"
                                                                                               "ay"
                                                                                               "\","
                                                                                               "\"i"
                                                                                               "te"
                                                                                               "ms"
                                                                                               "\":"
                                                                                               "{"
                                                                                               "\"$"
                                                                                               "ref"
                                                                                               "\""
                                                                                               ":\""
                                                                                               "#/"
                                                                                               "com"
                                                                                               "po"
                                                                                               "nen"
                                                                                               "ts"
                                                                                               "/sc"
                                                                                               "he"
                                                                                               "mas"
                                                                                               "/"
                                                                                               "Equ"
                                                                                               "ip"
                                                                                               "men"
                                                                                               "tD"
                                                                                               "efe"
                                                                                               "ct"
                                                                                               "\"}"
                                                                                               "}")
                OBJ("EquipmentInspectionInput",
                    STR("kind") "," STR("institution") "," STR("inspector") "," STR(
                        "inspected_"
                        "on") "," STR("conclusion") "," INT("safety_grade") "," STR("report_no") "," STR("note") ",\"defects\":{"
                                                                                                                 "\"type\":"
                                                                                                                 "\"array\","
                                                                                                                 "\"items\":{"
                                                                                                                 "\"type\":"
                                                                                                                 "\"object\","
                                                                                                                 "\"properties\":"
                                                                                                                 "{" STR(
                                                                                                                     "descripti"
                                                                                                                     "on") "," STR("deadline") "}"
                                                                                                                                               "}"
                                                                                                                                               "}")
                    OBJ("EquipmentInspectionList",
                        "\"items\":{\"type\":\"array\",\"items\":{\"$ref\":"
                        "\"#/components/schemas/EquipmentInspection\"}}")
                        OBJ("EquipmentInspectionResult",
                            "\"inspection\":{\"$ref\":\"#/components/schemas/"
                            "EquipmentInspection\"},\"unit\":{\"$ref\":\"#/components/schemas/"
                            "EquipmentUnit\"}") OBJ("EquipmentRateSet", RATES)
                            OBJ("EquipmentRates",
                                STR("on") "," STR("from") "," STR("to") "," STR(
                                    "by") ",\"total\":{\"$ref\":\"#/components/schemas/"
                                          "EquipmentRateSet\"},\"items\":{\"type\":"
                                          "\"array\",\"items\":{\"type\":\"object\","
                                          "\"properties\":{" NSTR("region_code") "," NSTR(
                                              "use_unit") "," NSTR("name") "," RATES "}}}");

void eq_schemas_write(struct buf *out)
{
	buf_puts(out, SCHEMAS);
	buf_puts(out, "\"EquipmentUnit\":");
	record_type_write_schema(&UNIT_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"EquipmentUnitInput\":");
	record_type_write_schema(&UNIT_TYPE, out, SCHEMA_CREATE);
	buf_puts(out, ",\"EquipmentUnitPatch\":");
	record_type_write_schema(&UNIT_TYPE, out, SCHEMA_PATCH);
	buf_putc(out, ',');
	eq_operator_schemas_write(out);
	eq_accident_schemas_write(out);
	eq_campaign_schemas_write(out);
	eq_cylinder_schemas_write(out);
	eq_public_schemas_write(out);
}
