/*
 * The calendar's HTTP routes (api_calendar.c): read a year, and replace a year as an
 * administrator when the State Council announces it.
 */
#ifndef JZ_API_CALENDAR_H
#define JZ_API_CALENDAR_H

#include "platform/http.h"

extern const struct route_table CALENDAR_ROUTE_TABLE;

/* Appends the component schemas of the calendar routes (each followed by a comma). */
void calendar_schemas_write(struct buf *out);

#endif
