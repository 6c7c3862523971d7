package sqlite_test

import (
	"testing"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store/storetest"
)

func TestConformance(t *testing.T) { storetest.Run(t, ikdtest.NewSQLite) }
