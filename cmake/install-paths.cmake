# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Run by `cmake --install` (see CMakeLists.txt): installs the files that
# name installed paths, each written with the paths of this install. It runs
# at install time rather than at configure time so that a prefix given to
# `cmake --install --prefix` is the one the files name.
#
# Set by the caller: JM_SOURCE_DIR, JM_BINARY_DIR, JM_SBINDIR, JM_DATADIR,
# JM_MANDIR, JM_UNITDIR (relative ones are under CMAKE_INSTALL_PREFIX) and
# JM_CONFDIR.

# An install directory as an absolute path.
function(jm_abs out dir)
  if(NOT IS_ABSOLUTE "${dir}")
    set(dir "${CMAKE_INSTALL_PREFIX}/${dir}")
  endif()
  string(REGEX REPLACE "/+" "/" dir "${dir}")
  string(REGEX REPLACE "(.)/$" "\\1" dir "${dir}")
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

jm_abs(sbindir "${JM_SBINDIR}")
jm_abs(datadir "${JM_DATADIR}/jobmatchd")
jm_abs(mandir "${JM_MANDIR}")
jm_abs(unitdir "${JM_UNITDIR}")
jm_abs(confdir "${JM_CONFDIR}")

# Where the shipped files name them.
set(shipped_sbin "/usr/local/sbin/jobmatchd")
set(shipped_data "/usr/local/share/jobmatchd/")
set(shipped_conf "/etc/jobmatchd/")

string(MD5 key "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
set(gen "${JM_BINARY_DIR}/install-gen/${key}")
file(MAKE_DIRECTORY "${gen}")

# Writes SRC (relative to the source tree) as gen/NAME with the shipped
# paths replaced by this install's. MUST names a shipped path that SRC has
# to contain, so that a file whose paths were changed by hand is caught
# here rather than installed half rewritten.
function(jm_rewrite src name must)
  file(READ "${JM_SOURCE_DIR}/${src}" text)
  string(FIND "${text}" "${must}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${src} no longer contains ${must}: "
            "update cmake/install-paths.cmake")
  endif()
  string(REPLACE "${shipped_sbin}" "${sbindir}/jobmatchd" text "${text}")
  string(REPLACE "${shipped_data}" "${datadir}/" text "${text}")
  string(REPLACE "${shipped_conf}" "${confdir}/" text "${text}")
  file(WRITE "${gen}/${name}" "${text}")
endfunction()

set(rw OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

foreach(unit jobmatchd.service jobmatchd.socket)
  if(unit STREQUAL "jobmatchd.service")
    jm_rewrite(systemd/${unit} ${unit} "${shipped_sbin}")
  else()
    jm_rewrite(systemd/${unit} ${unit} "[Socket]")
  endif()
  file(INSTALL DESTINATION "${unitdir}" TYPE FILE PERMISSIONS ${rw}
       FILES "${gen}/${unit}")
endforeach()

# The sample configuration: in the data directory always, and as the
# configuration itself unless one is there already (an install never
# overwrites a configuration).
jm_rewrite(jobmatchd.conf.example jobmatchd.conf.example "towns_file ${shipped_data}")
jm_rewrite(jobmatchd.conf.example jobmatchd.conf "towns_file ${shipped_data}")
file(INSTALL DESTINATION "${datadir}" TYPE FILE PERMISSIONS ${rw}
     FILES "${gen}/jobmatchd.conf.example")
if(EXISTS "$ENV{DESTDIR}${confdir}/jobmatchd.conf")
  message(STATUS "Keeping: $ENV{DESTDIR}${confdir}/jobmatchd.conf "
          "(the sample is ${datadir}/jobmatchd.conf.example)")
else()
  file(INSTALL DESTINATION "${confdir}" TYPE FILE PERMISSIONS ${rw}
       FILES "${gen}/jobmatchd.conf")
endif()

jm_rewrite(data/redis.conf redis.conf "appendonly yes")
file(INSTALL DESTINATION "${datadir}" TYPE FILE PERMISSIONS ${rw}
     FILES "${gen}/redis.conf")

foreach(page jobmatch.1 jobmatchd.conf.5 jobmatchd.8)
  string(REGEX REPLACE ".*\\." "" section "${page}")
  jm_rewrite(man/${page} ${page} ".Dt ")
  file(INSTALL DESTINATION "${mandir}/man${section}" TYPE FILE
       PERMISSIONS ${rw} FILES "${gen}/${page}")
endforeach()
