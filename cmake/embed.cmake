# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Run by the build (see CMakeLists.txt) as `cmake -DSRC=FILE -DDST=FILE.c
# -DNAME=SYMBOL -DHEADER=HEADER -P embed.cmake`: writes DST, a C file that
# defines the bytes of SRC as `const unsigned char NAME[]`, ended by a NUL
# that is not counted, and their count as `const size_t NAME_len`, so that
# a file of the source tree is compiled into a program and stays the one
# source of its content. CMake alone does it: no other tool is needed.
foreach(var SRC DST NAME HEADER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed.cmake: -D${var}=... is required")
  endif()
endforeach()

file(READ "${SRC}" hex HEX)
string(LENGTH "${hex}" digits)
math(EXPR len "${digits} / 2")
# Twelve bytes a line (CMake's expressions have no {n}).
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1, " bytes "${hex}")
string(REPEAT "0x.., " 12 twelve)
string(REGEX REPLACE "(${twelve})" "\\1\n\t" bytes "${bytes}")
string(REPLACE " \n" "\n" bytes "${bytes}")

get_filename_component(from "${SRC}" NAME)
file(WRITE "${DST}.tmp" "\
/* Generated from ${from} by cmake/embed.cmake: do not edit. */
#include <stddef.h>

#include \"${HEADER}\"

const unsigned char ${NAME}[] = {
	${bytes}0x00
};
const size_t ${NAME}_len = ${len};
")
file(RENAME "${DST}.tmp" "${DST}")
